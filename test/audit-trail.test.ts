// The audit trail's storage: rows are written in the change's transaction (a failed row rolls the
// change back), the database itself refuses every update, delete and truncate of audit_event but
// the retention expiry's of rows older than a year, details hold scalars only, and the keyed
// fingerprint tells the same secret apart from another without holding it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/server/audit/audit-trail.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { makeKey } from './helpers/keys.ts';

let test: TestApp;

beforeAll(async () => {
  test = await createTestApp({});
});

afterAll(async () => {
  await test?.close();
});

const db = () => test.app.database.db;
/** The rows of a query (PGlite and node-postgres answer in the same shape). */
const rowsOf = async (query: ReturnType<typeof sql>) =>
  ((await db().execute(query)) as unknown as { rows: Array<Record<string, unknown>> }).rows;
/** Drizzle wraps the database's error: the trigger's words are in its cause. */
const refused = (work: Promise<unknown>) =>
  expect(work).rejects.toSatisfy((error: Error & { cause?: Error }) =>
    /append-only/.test(`${error.message} ${error.cause?.message ?? ''}`),
  );
const rowsWith = async (marker: string) => rowsOf(sql`select id, action from audit_event where target_id = ${marker}`);

describe('writing', () => {
  it('a row written in a transaction that rolls back is gone with it', async () => {
    const marker = `rollback-${Date.now()}`;
    await expect(
      db().transaction(async (tx) => {
        await test.app.audit.record(tx, {
          action: 'budget.changed',
          actor: SYSTEM_ACTOR,
          target: { kind: 'budget', id: marker },
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await rowsWith(marker)).toEqual([]);
  });

  it('a row that cannot be written rolls the change back', async () => {
    const marker = `refused-${Date.now()}`;
    await db().execute(sql`create table if not exists audit_probe (marker text)`);
    await expect(
      db().transaction(async (tx) => {
        await tx.execute(sql`insert into audit_probe values (${marker})`);
        // The database refuses the row (no action): the probe's insert must go with it.
        await test.app.audit.record(tx, {
          action: null as unknown as 'budget.changed',
          actor: SYSTEM_ACTOR,
          target: { kind: 'budget', id: marker },
        });
      }),
    ).rejects.toThrow();
    expect(await rowsOf(sql`select 1 from audit_probe where marker = ${marker}`)).toEqual([]);
  });

  it('refuses details that are not scalars before writing anything', async () => {
    const marker = `nested-${Date.now()}`;
    await expect(
      test.app.audit.recordNow({
        action: 'budget.changed',
        actor: SYSTEM_ACTOR,
        target: { kind: 'budget', id: marker },
        details: { nested: { secret: 'x' } as unknown as string },
      }),
    ).rejects.toThrow(/not a scalar/);
    expect(await rowsWith(marker)).toEqual([]);
  });

  it('cleans what the client chose: control characters and length', async () => {
    const marker = `clean-${Date.now()}`;
    await test.app.audit.recordNow({
      action: 'signin.failed',
      outcome: 'failure',
      actor: { userId: null, email: 'a@example.com', ip: '192.0.2.4', userAgent: `evil\r\n=cmd|${'x'.repeat(2000)}` },
      target: { kind: 'user', id: marker },
    });
    const [row] = (await rowsOf(sql`select user_agent from audit_event where target_id = ${marker}`)) as Array<{
      user_agent: string;
    }>;
    expect(row?.user_agent).not.toMatch(/[\r\n]/);
    expect(row?.user_agent.length).toBeLessThanOrEqual(512);
  });
});

describe('append-only, enforced by the database', () => {
  let id: string;
  beforeAll(async () => {
    const marker = `append-${Date.now()}`;
    await test.app.audit.recordNow({
      action: 'vault.rotated',
      actor: SYSTEM_ACTOR,
      target: { kind: 'vault', id: marker },
    });
    id = String((await rowsWith(marker))[0]?.id);
  });

  it('refuses an update', async () => {
    await refused(db().execute(sql`update audit_event set action = 'token.created' where id = ${id}`));
  });

  it('refuses a delete, even with the expiry flag, of a row younger than a year', async () => {
    await refused(db().execute(sql`delete from audit_event where id = ${id}`));
    await refused(
      db().transaction(async (tx) => {
        await tx.execute(sql`select set_config('webox.audit_expiry', 'on', true)`);
        await tx.execute(sql`delete from audit_event where id = ${id}`);
      }),
    );
    expect(await rowsOf(sql`select 1 from audit_event where id = ${id}`)).toHaveLength(1);
  });

  it('refuses a truncate', async () => {
    await refused(db().execute(sql`truncate audit_event`));
  });

  it('lets the expiry remove a row older than a year, and nothing else', async () => {
    const marker = `old-${Date.now()}`;
    await db().execute(
      sql`insert into audit_event (at, action, outcome, target_kind, target_id) values (now() - interval '400 days', 'vault.rotated', 'success', 'vault', ${marker})`,
    );
    await refused(db().execute(sql`delete from audit_event where target_id = ${marker}`));
    await db().transaction(async (tx) => {
      await tx.execute(sql`select set_config('webox.audit_expiry', 'on', true)`);
      await tx.execute(sql`delete from audit_event where target_id = ${marker}`);
    });
    expect(await rowsWith(marker)).toEqual([]);
  });
});

describe('fingerprints', () => {
  it('the same secret gives the same fingerprint, another secret another, and neither holds the key', async () => {
    const key = makeKey.openai();
    const first = await test.app.audit.fingerprint(key);
    expect(await test.app.audit.fingerprint(key)).toBe(first);
    expect(await test.app.audit.fingerprint(makeKey.openai())).not.toBe(first);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(key).not.toContain(first);
  });
});
