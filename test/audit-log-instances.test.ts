// The audit trail's expiry on two instances sharing one PostgreSQL: run at the same moment on
// both, the rows past the retention go exactly once (the advisory lock keeps one at a time, the
// deletes are idempotent), each removal is recorded once, and nothing younger than a year goes.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { postgresUrl } from './helpers/database.ts';
import { twoInstancesOnPostgres } from './helpers/two-instances.ts';

describe.skipIf(!postgresUrl)('the audit expiry across two instances on one PostgreSQL', () => {
  const parts = twoInstancesOnPostgres();

  it('removes the old rows once, records it once, and keeps the year', async () => {
    const { first, second } = parts();
    const db = first.database.db;
    const rowsOf = async (query: ReturnType<typeof sql>) =>
      ((await db.execute(query)) as unknown as { rows: Array<Record<string, unknown>> }).rows;
    await db.execute(
      sql`insert into audit_event (at, action, outcome, target_kind, target_id)
          select now() - make_interval(days => 401 + n % 300), 'vault.rotated', 'success', 'vault', 'old-' || n
          from generate_series(1, 12000) as n`,
    );
    await db.execute(
      sql`insert into audit_event (at, action, outcome, target_kind, target_id)
          select now() - make_interval(days => n % 365), 'vault.rotated', 'success', 'vault', 'young-' || n
          from generate_series(1, 500) as n`,
    );
    const removed = await Promise.all([first.auditLog.expire(), second.auditLog.expire()]);
    // Whichever instance held the lock for a batch removed it; a second pass finds what a skipped
    // batch left, and then nothing.
    const again = await first.auditLog.expire();
    expect(removed[0] + removed[1] + again).toBe(12000);
    expect(await first.auditLog.expire()).toBe(0);
    const [left] = await rowsOf(
      sql`select count(*) filter (where target_id like 'old-%')::int as old, count(*) filter (where target_id like 'young-%')::int as young from audit_event`,
    );
    expect(left).toEqual({ old: 0, young: 500 });
    const [recorded] = await rowsOf(
      sql`select coalesce(sum((details->>'removed')::int), 0)::int as removed from audit_event where action = 'audit.expired'`,
    );
    expect(recorded?.removed).toBe(12000);
  });
});
