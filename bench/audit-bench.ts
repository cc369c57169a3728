// The audit journal's queries at a million rows (issue 16), run by `npm run bench:usage` after the
// usage figures, in the same throw-away database: one million events over a year for 500 actors,
// then through the same service the routes use (50 rows a page, as the web app): the first page,
// a page deep down by its cursor (page 5,000), one actor's first and middle pages, one subject's
// page, and one action over the last month. p50/p99 printed; `--quick` loads 20,000 rows.
import type pg from 'pg';
import { createAuditLog } from '../src/server/audit/audit-log.ts';
import { createAuditTrail } from '../src/server/audit/audit-trail.ts';
import type { Database } from '../src/server/db/client.ts';
import { buildKeyring, generateMasterKey } from '../src/server/vault/crypto.ts';

export async function auditBench(options: {
  db: Database;
  client: pg.Client;
  quick: boolean;
  time: (run: () => Promise<unknown>) => Promise<{ p50Ms: number; p99Ms: number; maxMs: number }>;
}) {
  const { db, client, quick, time } = options;
  const ROWS = quick ? 20_000 : 1_000_000;
  const ACTORS = 500;
  const PAGE = 50;
  const started = performance.now();
  // Rows spread over the last 360 days (none old enough to expire), across every kind of action.
  await client.query(
    `insert into audit_event (at, action, outcome, actor_id, actor_email, ip, user_agent, target_kind, target_id,
       subject_user_id, details)
     select now() - ((n % (360 * 24 * 60)) * interval '1 minute') - (n % 997) * interval '1 microsecond',
       (array['key.personal.saved','key.personal.replaced','token.created','token.revoked','signin.succeeded',
              'signin.failed','budget.changed','account.role_changed'])[1 + n % 8],
       case when n % 8 = 5 then 'failure' else 'success' end,
       'user-' || (1 + (n::bigint * 7919) % $2), 'user' || (1 + (n::bigint * 7919) % $2) || '@example.com',
       '192.0.2.' || (n % 250), 'Mozilla/5.0 Firefox/133.0', 'user', 'user-' || (1 + n % $2),
       'user-' || (1 + n % $2), '{}'::jsonb
     from generate_series(1, $1) as n`,
    [ROWS, ACTORS],
  );
  await client.query('analyze audit_event');
  const loadSeconds = (performance.now() - started) / 1000;

  const trail = createAuditTrail({ db, keyring: buildKeyring({ masterKey: generateMasterKey() }) });
  const log = createAuditLog({ db, trail });
  /** The cursor after `offset` rows of a listing, walked once by the service itself. */
  const cursorAt = async (filters: Parameters<typeof log.page>[0], pages: number) => {
    let cursor: string | null = null;
    for (let index = 0; index < pages; index++) {
      const next: string | null = (await log.page(filters, { cursor, limit: PAGE })).nextCursor;
      if (!next) break;
      cursor = next;
    }
    return cursor;
  };
  // The deep cursor: read once by keyset from a position found by OFFSET (walking 5,000 pages
  // would time the walk, not the page).
  const deepPage = Math.min(5_000, Math.floor(ROWS / PAGE) - 1);
  const { rows } = await client.query(
    `select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, id from audit_event
     order by at desc, id desc offset $1 limit 1`,
    [deepPage * PAGE - 1],
  );
  const position = rows[0] as { at: string; id: string };
  const signature = await trail.fingerprint(`audit-cursor\u0000journal\u0000${position.at}\u0000${position.id}`);
  const deep = Buffer.from(JSON.stringify([position.at, position.id, signature])).toString('base64url');
  const actor = 'user-42';
  const actorRows = (await client.query('select count(*)::int as count from audit_event where actor_id = $1', [actor]))
    .rows[0].count as number;
  const actorMiddle = await cursorAt({ actorId: actor }, Math.floor(actorRows / PAGE / 2));
  const monthAgo = new Date(Date.now() - 30 * 86_400_000);
  return {
    rows: ROWS,
    actors: ACTORS,
    loadSeconds: +loadSeconds.toFixed(1),
    firstPage: await time(() => log.page({}, { cursor: null, limit: PAGE })),
    deepPageByCursor: { page: deepPage + 1, ...(await time(() => log.page({}, { cursor: deep, limit: PAGE }))) },
    oneActorFirstPage: await time(() => log.page({ actorId: actor }, { cursor: null, limit: PAGE })),
    oneActorMiddlePage: await time(() => log.page({ actorId: actor }, { cursor: actorMiddle, limit: PAGE })),
    oneSubjectFirstPage: await time(() => log.page({ subjectUserId: 'user-7' }, { cursor: null, limit: PAGE })),
    oneActionLastMonth: await time(() =>
      log.page({ actions: ['token.revoked'], from: monthAgo }, { cursor: null, limit: PAGE }),
    ),
    failedSignInsLastMonth: await time(() =>
      log.page({ actions: ['signin.failed'], outcome: 'failure', from: monthAgo }, { cursor: null, limit: PAGE }),
    ),
    userSecurityEvents: await time(() => log.securityEvents('user-42', { cursor: null, limit: 20 })),
  };
}
