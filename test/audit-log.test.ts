// The audit trail's reading side: the admins' journal and its filters, keyset paging that neither
// repeats nor skips a row while rows are added, signed cursors, the CSV export (parsed by a real
// CSV parser and checked against the JSON), each user's own security events and nobody else's,
// and the retention: validated, audited, and an expiry that removes only rows past it, never one
// younger than a year.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/server/audit/audit-trail.ts';
import type { AuditEventView } from '../src/shared/audit.ts';
import type { SecurityEventView } from '../src/shared/audit-log.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp } from './helpers/client.ts';

let test: TestApp;
let admin: Client;
let alice: Client;
let bob: Client;
const ids: Record<string, string> = {};
/** A marker no other suite writes: every row this file inserts carries it as its target id prefix. */
const RUN = randomUUID().slice(0, 8);

const db = () => test.app.database.db;
const rowsOf = async (query: ReturnType<typeof sql>) =>
  ((await db().execute(query)) as unknown as { rows: Array<Record<string, unknown>> }).rows;

const journal = async (client: Client, query: string) => {
  const response = await client.get(`/api/admin/audit?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { events: AuditEventView[]; nextCursor: string | null };
};

/** Every row of a filtered journal, page by page; `between` runs after each page. */
async function walk(client: Client, query: string, limit: number, between?: () => Promise<void>) {
  const seen: AuditEventView[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer = await journal(
      client,
      `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(answer.events.length).toBeLessThanOrEqual(limit);
    seen.push(...answer.events);
    cursor = answer.nextCursor;
    await between?.();
    pages++;
  } while (cursor && pages < 100);
  return seen;
}

const refusal = async (client: Client, url: string) => {
  const response = await client.get(url);
  expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
  return response.json().error as { code: string; message: string; param?: string };
};

beforeAll(async () => {
  test = await createTestApp({ WEBOX_TIMEZONE: 'Europe/Paris' });
  admin = await signUp(test.app, { name: 'Admin' });
  alice = await signUp(test.app, { name: 'Alice' });
  bob = await signUp(test.app, { name: 'Bob' });
  for (const [name, client] of Object.entries({ admin, alice, bob })) {
    ids[name] = (await client.get('/api/me')).json().id;
  }
  const actor = (name: string, ip = '192.0.2.4') => ({
    userId: ids[name] as string,
    email: name === 'admin' ? admin.email : name === 'alice' ? alice.email : bob.email,
    ip,
    userAgent: `Mozilla/5.0 (${name})`,
  });
  const audit = test.app.audit;
  // Each row a moment after the one before: the embedded database's clock can give two quick
  // inserts the same instant, and the newest-first order the tests read would then be a tie.
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
  await audit.recordNow({
    action: 'key.personal.replaced',
    actor: actor('alice'),
    subjectUserId: ids.alice,
    target: { kind: 'provider_key', id: `${RUN}-alice-anthropic` },
    details: { provider: 'anthropic', fingerprint: 'abcd1234abcd1234' },
  });
  await tick();
  await audit.recordNow({
    action: 'token.created',
    actor: actor('alice'),
    target: { kind: 'access_token', id: `${RUN}-alice-token` },
  });
  await tick();
  await audit.recordNow({
    action: 'account.role_changed',
    actor: actor('admin', '198.51.100.7'),
    subjectUserId: ids.alice,
    target: { kind: 'user', id: ids.alice as string },
    details: { from: 'user', to: 'admin' },
  });
  await tick();
  await audit.recordNow({
    action: 'key.personal.saved',
    actor: actor('bob', '203.0.113.9'),
    subjectUserId: ids.bob,
    target: { kind: 'provider_key', id: `${RUN}-bob-openai` },
    details: { provider: 'openai' },
  });
  await tick();
  await audit.recordNow({
    action: 'signin.failed',
    outcome: 'failure',
    actor: { userId: null, email: bob.email, ip: '203.0.113.66', userAgent: 'curl/8' },
    subjectUserId: ids.bob,
    target: { kind: 'user', id: ids.bob as string },
  });
  await tick();
  await audit.recordNow({
    action: 'key.global.saved',
    actor: actor('admin', '198.51.100.7'),
    target: { kind: 'provider_key', id: `${RUN}-global-openai` },
    details: { provider: 'openai', note: '=HYPERLINK("http://evil")' },
  });
});

afterAll(async () => {
  await test?.close();
});

describe('GET /api/admin/audit', () => {
  it('answers the rows newest first, with who, what, from where and the details', async () => {
    const { events } = await journal(admin, `actor=${ids.alice}`);
    const mine = events.filter((event) => event.target?.id.startsWith(RUN));
    expect(mine.map((event) => event.action)).toEqual(['token.created', 'key.personal.replaced']);
    expect(mine[1]).toMatchObject({
      outcome: 'success',
      actor: { userId: ids.alice, email: alice.email, ip: '192.0.2.4', userAgent: 'Mozilla/5.0 (alice)' },
      target: { kind: 'provider_key', id: `${RUN}-alice-anthropic` },
      subjectUserId: ids.alice,
      details: { provider: 'anthropic', fingerprint: 'abcd1234abcd1234' },
    });
    const times = events.map((event) => event.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by actor (id or e-mail), subject, action, action group, target, outcome', async () => {
    const actions = async (query: string) =>
      (await journal(admin, `${query}&limit=200`)).events
        // The rows this file wrote (the sign-ups' own account.created and sign-in rows left out).
        .filter(
          (event) =>
            event.target?.id.startsWith(RUN) ||
            (event.target?.kind === 'user' && !['account.created', 'signin.succeeded'].includes(event.action)),
        )
        .filter((event) => event.actor.userId !== null || event.action === 'signin.failed')
        .map((event) => event.action);
    expect(await actions(`actor=${encodeURIComponent(alice.email)}`)).toEqual([
      'token.created',
      'key.personal.replaced',
    ]);
    expect(await actions(`subject=${ids.alice}`)).toEqual(['account.role_changed', 'key.personal.replaced']);
    expect(await actions(`subject=${ids.bob}&outcome=failure`)).toEqual(['signin.failed']);
    expect(await actions(`actor=${ids.bob}&action=key.personal.saved`)).toEqual(['key.personal.saved']);
    expect(await actions(`subject=${ids.alice}&action=key.`)).toEqual(['key.personal.replaced']);
    expect(await actions('action=key.global.saved,token.created')).toEqual(['key.global.saved', 'token.created']);
    expect(await actions('action=key.global.saved&action=token.created')).toEqual([
      'key.global.saved',
      'token.created',
    ]);
    expect(await actions(`targetKind=provider_key&targetId=${RUN}-bob-openai`)).toEqual(['key.personal.saved']);
    expect(await actions(`targetId=${RUN}-alice-token`)).toEqual(['token.created']);
    // An address nobody has matches nothing.
    expect((await journal(admin, 'actor=nobody@example.com')).events).toEqual([]);
  });

  it('filters by time: instants (to excluded) and days in the display time zone', async () => {
    const old = `${RUN}-dated`;
    // 2026-03-10 in Paris runs from 2026-03-09T23:00Z to 2026-03-10T23:00Z.
    for (const at of ['2026-03-09T22:59:59Z', '2026-03-09T23:00:00Z', '2026-03-10T22:59:59Z', '2026-03-10T23:00:00Z']) {
      await db().execute(
        sql`insert into audit_event (at, action, outcome, target_kind, target_id) values (${at}::timestamptz, 'price.changed', 'success', 'price', ${old})`,
      );
    }
    const times = async (query: string) =>
      (await journal(admin, `targetId=${old}&${query}`)).events.map((event) => event.at);
    expect(await times('from=2026-03-10&to=2026-03-10')).toEqual([
      '2026-03-10T22:59:59.000Z',
      '2026-03-09T23:00:00.000Z',
    ]);
    expect(
      await times(
        `from=${encodeURIComponent('2026-03-09T23:00:00Z')}&to=${encodeURIComponent('2026-03-10T23:00:00Z')}`,
      ),
    ).toHaveLength(2);
    expect(await times('to=2026-03-09')).toEqual(['2026-03-09T22:59:59.000Z']);
  });

  it('pages by cursor without repeating or skipping a row, while rows are added, ties included', async () => {
    const actorId = `paging-${RUN}`;
    // Ten rows in the same microsecond: the id breaks the tie.
    for (let index = 0; index < 10; index++) {
      await db().execute(
        sql`insert into audit_event (at, action, outcome, actor_id, target_kind, target_id) values ('2026-06-01T12:00:00.123456Z', 'budget.changed', 'success', ${actorId}, 'budget', ${`${RUN}-tie-${index}`})`,
      );
    }
    for (let index = 0; index < 17; index++) {
      await test.app.audit.recordNow({
        action: 'rate_limit.changed',
        actor: { ...SYSTEM_ACTOR, userId: actorId },
        target: { kind: 'rate_limit', id: `${RUN}-page-${index}` },
      });
    }
    const before = (await journal(admin, `actor=${actorId}&limit=200`)).events.map((event) => event.id);
    expect(before).toHaveLength(27);
    let added = 0;
    const seen = await walk(admin, `actor=${actorId}`, 4, async () => {
      // Newer rows arrive while someone pages: they belong before the first page, not in the walk.
      await test.app.audit.recordNow({
        action: 'rate_limit.changed',
        actor: { ...SYSTEM_ACTOR, userId: actorId },
        target: { kind: 'rate_limit', id: `${RUN}-late-${added++}` },
      });
    });
    const walked = seen.map((event) => event.id);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(before);
  });

  it('refuses a cursor it did not give, altered or from another listing, with invalid_request on cursor', async () => {
    const { nextCursor } = await journal(admin, `actor=paging-${RUN}&limit=2`);
    expect(nextCursor).toBeTruthy();
    const [at, id, signature] = JSON.parse(Buffer.from(nextCursor as string, 'base64url').toString()) as string[];
    const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const other = randomUUID();
    const mine = (await alice.get('/api/me/security-events?limit=1')).json().nextCursor as string;
    expect(mine).toBeTruthy();
    for (const cursor of [
      'not-a-cursor',
      forged([at, other, signature]),
      forged(['2099-01-01T00:00:00.000000Z', id, signature]),
      forged([at, id]),
      forged([at, "x'); drop table audit_event; --", signature]),
      mine,
    ]) {
      const error = await refusal(admin, `/api/admin/audit?actor=paging-${RUN}&cursor=${encodeURIComponent(cursor)}`);
      expect(error.code).toBe('invalid_request');
      expect(error.param).toBe('cursor');
      expect(error.message).toMatch(/cursor/);
    }
    // The journal's cursor is not the user's either.
    const error = await refusal(alice, `/api/me/security-events?cursor=${encodeURIComponent(nextCursor as string)}`);
    expect(error.param).toBe('cursor');
  });

  it('validates every filter at the boundary', async () => {
    for (const query of [
      'action=key',
      'action=key.personal.stolen',
      'action=nothing.',
      'targetKind=planet',
      'outcome=maybe',
      'from=2026-02-30',
      'from=yesterday',
      'from=2026-03-11&to=2026-03-10',
      'limit=201',
      'limit=0',
      'actor=a%0Ab',
    ]) {
      expect((await refusal(admin, `/api/admin/audit?${query}`)).code, query).toBe('invalid_request');
    }
  });

  it('is for admins: 403 for users, 401 for anonymous callers', async () => {
    for (const url of ['/api/admin/audit', '/api/admin/audit?format=csv', '/api/admin/audit/settings']) {
      expect((await alice.get(url)).statusCode, url).toBe(403);
      expect((await anonymous(test.app).get(url)).statusCode, url).toBe(401);
    }
    expect((await alice.put('/api/admin/audit/settings', { retentionDays: 500 })).statusCode).toBe(403);
    expect((await anonymous(test.app).get('/api/me/security-events')).statusCode).toBe(401);
  });
});

describe('format=csv', () => {
  it('exports the same rows as the JSON, in French, formula-guarded, times in the display zone', async () => {
    const query = 'action=key.,token.';
    const json = (await journal(admin, `${query}&limit=200`)).events;
    const response = await admin.get(`/api/admin/audit?${query}&format=csv&lang=fr&limit=1`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="webox-audit-/);
    const records = parse(response.body, { columns: true, bom: true, delimiter: ';' }) as Record<string, string>[];
    expect(records.map((row) => row['Événement (id)'])).toEqual(json.map((event) => event.id));
    records.forEach((row, index) => {
      const event = json[index] as AuditEventView;
      expect(row.Action).toBe(event.action);
      expect(row['Auteur (adresse e-mail)']).toBe(event.actor.email ?? '');
      expect(row['Cible (id)']).toBe(event.target?.id ?? '');
    });
    const global = records.find((row) => row['Cible (id)'] === `${RUN}-global-openai`);
    // The details are JSON text; the journal's text never starts a formula.
    expect(JSON.parse(global?.Détails ?? '{}')).toMatchObject({ provider: 'openai' });
    const alices = records.find((row) => row['Cible (id)'] === `${RUN}-alice-anthropic`);
    const at = json.find((event) => event.target?.id === `${RUN}-alice-anthropic`)?.at as string;
    const paris = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      dateStyle: 'short',
      timeStyle: 'medium',
    }).format(new Date(at));
    expect(alices?.Date).toBe(paris);
  });

  it('guards text a spreadsheet would run, in English', async () => {
    await test.app.audit.recordNow({
      action: 'plan.changed',
      actor: { userId: null, email: '=cmd|"/c calc"!A1', ip: null, userAgent: '@SUM(1)' },
      target: { kind: 'plan', id: `${RUN}-formula` },
    });
    const response = await admin.get(`/api/admin/audit?targetId=${RUN}-formula&format=csv&lang=en`);
    const [row] = parse(response.body, { columns: true, bom: true }) as Record<string, string>[];
    expect(row?.['Actor (email)']).toBe(`'=cmd|"/c calc"!A1`);
    expect(row?.['User agent']).toBe(`'@SUM(1)`);
  });
});

describe('GET /api/me/security-events', () => {
  const eventsOf = async (client: Client) => {
    const response = await client.get('/api/me/security-events?limit=200');
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { events: SecurityEventView[] }).events;
  };

  it("lists the user's own events: about their account, and their keys and tokens", async () => {
    const events = await eventsOf(alice);
    const actions = events.map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['account.role_changed', 'token.created', 'key.personal.replaced']));
    const replaced = events.find((event) => event.action === 'key.personal.replaced');
    expect(replaced).toMatchObject({ by: 'you', ip: '192.0.2.4', details: { provider: 'anthropic' } });
    // An administrator's address and browser are the administrator's.
    const role = events.find((event) => event.action === 'account.role_changed');
    expect(role).toMatchObject({ by: 'admin', ip: null, userAgent: null });
    expect(JSON.stringify(events)).not.toContain('198.51.100.7');
    expect(JSON.stringify(events)).not.toContain(admin.email);
  });

  it("never shows another user's events", async () => {
    const alices = await eventsOf(alice);
    const bobs = await eventsOf(bob);
    expect(alices.map((event) => event.target?.id)).not.toContain(`${RUN}-bob-openai`);
    expect(bobs.map((event) => event.target?.id)).not.toContain(`${RUN}-alice-anthropic`);
    expect(bobs.map((event) => event.target?.id)).not.toContain(`${RUN}-global-openai`);
    const failed = bobs.find((event) => event.action === 'signin.failed');
    expect(failed).toMatchObject({ by: 'unknown', outcome: 'failure', ip: '203.0.113.66' });
    const alicesIds = new Set(alices.map((event) => event.id));
    expect(bobs.some((event) => alicesIds.has(event.id))).toBe(false);
  });

  it('pages by cursor, one row at a time, each row once (about the user, by the user, or both)', async () => {
    const all = (await eventsOf(alice)).map((event) => event.id);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = (
        await alice.get(`/api/me/security-events?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      ).json() as { events: SecurityEventView[]; nextCursor: string | null };
      walked.push(...answer.events.map((event) => event.id));
      cursor = answer.nextCursor;
    } while (cursor && walked.length < 50);
    expect(walked).toEqual(all);
  });
});

describe('retention', () => {
  it('defaults to 400 days, and takes 365 to 3650 whole days only', async () => {
    expect((await admin.get('/api/admin/audit/settings')).json()).toEqual({
      retentionDays: 400,
      defaultDays: 400,
      minDays: 365,
      maxDays: 3650,
    });
    for (const retentionDays of [364, 3651, 0, -1, 400.5, '400', null]) {
      const response = await admin.put('/api/admin/audit/settings', { retentionDays });
      expect(response.statusCode, String(retentionDays)).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
    expect((await admin.get('/api/admin/audit/settings')).json().retentionDays).toBe(400);
  });

  it('records its own change, by whom, in the same transaction', async () => {
    const response = await admin.put('/api/admin/audit/settings', { retentionDays: 500 });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().retentionDays).toBe(500);
    expect((await admin.get('/api/admin/audit/settings')).json().retentionDays).toBe(500);
    const [event] = (await journal(admin, 'action=audit_settings.changed')).events;
    expect(event).toMatchObject({
      actor: { userId: ids.admin, email: admin.email },
      target: { kind: 'audit_settings', id: 'retention' },
      details: { retentionDaysBefore: 400, retentionDays: 500 },
    });
  });

  it('expiry removes only rows older than the retention, and never one younger than a year', async () => {
    const marker = `${RUN}-expiry`;
    const insertAged = (days: number) =>
      db().execute(
        sql`insert into audit_event (at, action, outcome, target_kind, target_id, details) values (now() - make_interval(days => ${days}::int), 'vault.rotated', 'success', 'vault', ${marker}, ${JSON.stringify({ days })}::jsonb)`,
      );
    for (const days of [10, 364, 380, 450, 499, 501, 900]) await insertAged(days);
    const ages = async () =>
      (
        await rowsOf(
          sql`select (details->>'days')::int as days from audit_event where target_id = ${marker} order by 1`,
        )
      ).map((row) => row.days);

    // Retention 500 (set above): 501 and 900 go.
    expect(await test.app.auditLog.expire()).toBeGreaterThanOrEqual(2);
    expect(await ages()).toEqual([10, 364, 380, 450, 499]);

    // Asked for less than a year behind the API's back: the expiry still keeps a year.
    await db().execute(sql`update audit_settings set retention_days = 30 where id = 1`);
    await test.app.auditLog.expire();
    expect(await ages()).toEqual([10, 364]);
    // Idempotent: a second run (another instance) finds nothing more.
    expect(await test.app.auditLog.expire()).toBe(0);
    expect(await ages()).toEqual([10, 364]);
    // Each removal is on the record, by WeBox itself.
    const expiries = (await journal(admin, 'action=audit.expired')).events;
    expect(expiries.length).toBeGreaterThanOrEqual(2);
    expect(expiries[0]).toMatchObject({
      actor: { userId: null, ip: null },
      target: { kind: 'audit_settings', id: 'retention' },
      details: { olderThanDays: 365 },
    });
    expect(expiries[1]?.details).toMatchObject({ olderThanDays: 500 });
    await admin.put('/api/admin/audit/settings', { retentionDays: 400 });
  });
});
