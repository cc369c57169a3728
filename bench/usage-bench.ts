// `npm run bench:usage`: statistics over a large ledger (issue 5). One million usage events over
// three months for 500 users on PostgreSQL, rolled up per day as the ledger does; then the admin's
// month-by-user query and a user's month-by-day query, timed through the same service the API
// uses. Target: each under 100 ms. `--quick` uses 20,000 events (CI).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/server/db/client.ts';
import { createUsageStats } from '../src/server/metering/usage-stats.ts';

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
         output_tokens, cached_input_tokens, cost_microusd, status, created_at)
       select 'req-' || n, 'user-' || (1 + (n::bigint * 7919) % $2),
         case when n % 3 = 0 then 'chat' else 'gateway' end,
         (array['openai','anthropic','google','mistral','groq'])[1 + n % 5],
         (array['gpt-4o-mini','claude-haiku-4-5','gemini-2.5-flash','mistral-small-latest','llama-3.1-8b-instant'])[1 + n % 5],
         case when n % 4 = 0 then 'personal' else 'global' end,
         100 + n % 900, 20 + n % 400, 0, 50 + n % 500, 200,
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
    const summary = {
      events: EVENTS,
      users: USERS,
      days: DAYS,
      dailyRows,
      loadSeconds: +loadSeconds.toFixed(1),
      adminMonthByUser,
      userMonthByDay,
      adminCalendarMonthByModel,
    };
    console.log(JSON.stringify(summary, null, 2));
    await mkdir(path.join(root, 'bench/results'), { recursive: true });
    await writeFile(
      path.join(root, 'bench/results', `usage-${new Date().toISOString().replaceAll(':', '-')}.json`),
      JSON.stringify({ quick, summary }, null, 2),
    );
    if (!quick && (adminMonthByUser.p50Ms > 100 || userMonthByDay.p50Ms > 100))
      console.log('TARGET MISSED: a query took over 100 ms (p50)');
  } finally {
    await client.end().catch(() => {});
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
