// `npm run bench:usage`: statistics over a large ledger (issue 5). One million usage events over
// three months for 500 users on PostgreSQL, rolled up per day as the ledger does; then the admin's
// month-by-user query and a user's month-by-day query, timed through the same service the API
// uses. Target: each under 100 ms. Then the request log (issue 15) at the same million rows:
// the first page, a deep page through its cursor (page 5,000 of 50 rows), one user's pages and
// failed requests only, each under 100 ms too (an OFFSET read of the same deep page is printed
// beside it, for what keyset paging saves). Then the audit journal (issue 16, bench/audit-bench.ts)
// at a million rows of its own. `--quick` uses 20,000 events and rows (CI).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/server/db/client.ts';
import { createRequestLog } from '../src/server/metering/request-log.ts';
import { createUsageStats } from '../src/server/metering/usage-stats.ts';
import { auditBench } from './audit-bench.ts';

const quick = process.argv.includes('--quick');
const EVENTS = quick ? 20_000 : 1_000_000;
const USERS = 500;
const DAYS = 90;
const REPEATS = quick ? 5 : 30;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function main() {
  const name = `webox_usage_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const database = await openDatabase({ databaseUrl: url, dataDir: '/tmp' });
  const client = new pg.Client({ connectionString: url });
  try {
    await database.migrate();
    await client.connect();
    const started = performance.now();
    await client.query(
      `insert into "user" (id, name, email, email_verified, created_at, updated_at)
       select 'user-' || n, 'User ' || n, 'user' || n || '@example.com', false, now(), now()
       from generate_series(1, $1) as n`,
      [USERS],
    );
    // Events spread over the last DAYS days, across providers, models and key sources.
    await client.query(
      `insert into usage_event (request_id, user_id, endpoint, provider, model, key_source, input_tokens,
         output_tokens, cached_input_tokens, cost_microusd, status, error_code, created_at)
       select 'req-' || n, 'user-' || (1 + (n::bigint * 7919) % $2),
         case when n % 3 = 0 then 'chat' else 'gateway' end,
         (array['openai','anthropic','google','mistral','groq'])[1 + n % 5],
         (array['gpt-4o-mini','claude-haiku-4-5','gemini-2.5-flash','mistral-small-latest','llama-3.1-8b-instant'])[1 + n % 5],
         case when n % 4 = 0 then 'personal' else 'global' end,
         100 + n % 900, 20 + n % 400, 0, 50 + n % 500,
         case when n % 50 = 7 then 502 else 200 end, case when n % 50 = 7 then 'provider_error' end,
         now() - ((n % ($3 * 24 * 60)) * interval '1 minute')
       from generate_series(1, $1) as n`,
      [EVENTS, USERS, DAYS],
    );
    // The rollups the ledger keeps, built in one pass.
    await client.query(
      `insert into usage_daily (day, user_id, provider, model, key_source, requests, errors, input_tokens,
         output_tokens, cached_input_tokens, cost_microusd)
       select (created_at at time zone 'UTC')::date, user_id, provider, model, key_source, count(*),
         count(*) filter (where status >= 400), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
         sum(cost_microusd)
       from usage_event group by 1, 2, 3, 4, 5`,
    );
    await client.query('analyze');
    const loadSeconds = (performance.now() - started) / 1000;
    const dailyRows = (await client.query('select count(*)::int as count from usage_daily')).rows[0].count as number;

    const stats = createUsageStats(database.db);
    const today = new Date().toISOString().slice(0, 10);
    const monthStart = `${today.slice(0, 8)}01`;
    const lastMonthStart = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const time = async (run: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let index = 0; index < REPEATS; index++) {
        const start = performance.now();
        await run();
        samples.push(performance.now() - start);
      }
      return {
        p50Ms: +percentile(samples, 50).toFixed(2),
        p99Ms: +percentile(samples, 99).toFixed(2),
        maxMs: +Math.max(...samples).toFixed(2),
      };
    };
    const adminMonthByUser = await time(() => stats.query({ from: lastMonthStart, to: today, groupBy: 'user' }));
    const userMonthByDay = await time(() =>
      stats.query({ userId: 'user-42', from: lastMonthStart, to: today, groupBy: 'day' }),
    );
    const adminCalendarMonthByModel = await time(() => stats.query({ from: monthStart, to: today, groupBy: 'model' }));
    // The request log, through the same service the routes use; 50 rows a page, as the web app.
    const log = createRequestLog(database.db);
    const PAGE = 50;
    const deepOffset = Math.min(EVENTS - PAGE, 5_000 * PAGE);
    const positionAt = async (where: string, offset: number) => {
      const { rows } = await client.query(
        `select created_at, request_id from usage_event ${where} order by created_at desc, request_id desc offset $1 limit 1`,
        [offset],
      );
      const row = rows[0] as { created_at: Date; request_id: string };
      return { at: new Date(row.created_at), id: row.request_id };
    };
    const deep = await positionAt('', deepOffset - 1);
    const userRows = (await client.query(`select count(*)::int as count from usage_event where user_id = 'user-42'`))
      .rows[0].count as number;
    const userDeep = await positionAt(`where user_id = 'user-42'`, Math.floor(userRows / 2));
    const requestLog = {
      firstPage: await time(() => log.page({}, { after: null, limit: PAGE })),
      deepPageByCursor: {
        page: Math.round(deepOffset / PAGE) + 1,
        ...(await time(() => log.page({}, { after: deep, limit: PAGE }))),
      },
      deepPageByOffsetForComparison: await time(() =>
        client.query('select * from usage_event order by created_at desc, request_id desc offset $1 limit $2', [
          deepOffset,
          PAGE,
        ]),
      ),
      oneUserFirstPage: await time(() => log.page({ userId: 'user-42' }, { after: null, limit: PAGE })),
      oneUserMiddlePage: await time(() => log.page({ userId: 'user-42' }, { after: userDeep, limit: PAGE })),
      failedFirstPage: await time(() => log.page({ status: 'failed' }, { after: null, limit: PAGE })),
      oneUserFailedFirstPage: await time(() =>
        log.page({ userId: 'user-42', status: 'failed' }, { after: null, limit: PAGE }),
      ),
      oneModelFailedLastMonth: await time(() =>
        log.page(
          { model: 'openai/gpt-4o-mini', status: 'failed', from: new Date(Date.now() - 30 * 86_400_000) },
          { after: null, limit: PAGE },
        ),
      ),
    };
    // The audit journal (issue 16) at a million rows of its own, in the same database.
    const auditJournal = await auditBench({ db: database.db, client, quick, time });
    const summary = {
      events: EVENTS,
      users: USERS,
      days: DAYS,
      dailyRows,
      loadSeconds: +loadSeconds.toFixed(1),
      adminMonthByUser,
      userMonthByDay,
      adminCalendarMonthByModel,
      requestLog,
      auditJournal,
    };
    console.log(JSON.stringify(summary, null, 2));
    await mkdir(path.join(root, 'bench/results'), { recursive: true });
    await writeFile(
      path.join(root, 'bench/results', `usage-${new Date().toISOString().replaceAll(':', '-')}.json`),
      JSON.stringify({ quick, summary }, null, 2),
    );
    const logTimes = [...Object.entries(requestLog), ...Object.entries(auditJournal)]
      .filter(([name]) => name !== 'deepPageByOffsetForComparison')
      .flatMap(([, figures]) => (typeof figures === 'object' ? [figures.p50Ms] : []));
    if (!quick && (adminMonthByUser.p50Ms > 100 || userMonthByDay.p50Ms > 100 || logTimes.some((ms) => ms > 100)))
      console.log('TARGET MISSED: a query took over 100 ms (p50)');
  } finally {
    await client.end().catch(() => {});
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
