// The request log over HTTP: each user's own requests, a group admin's members', everyone's for
// admins; every filter; keyset paging (no duplicates, no gaps, stable while newer rows arrive);
// the refusals; and the CSV export, parsed by a real CSV parser and checked against the JSON.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../src/server/metering/usage-row.ts';
import type { RequestLogRow } from '../src/shared/request-log.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp } from './helpers/client.ts';

let test: TestApp;
let admin: Client;
let alice: Client;
let bob: Client;
let carol: Client;
let dave: Client;
const ids: Record<string, string> = {};

// 2026-03-10 in Paris runs from 2026-03-09T23:00Z to 2026-03-10T23:00Z.
const BASE = Date.parse('2026-03-10T22:00:00Z');
const at = (minutes: number) => new Date(BASE + minutes * 60_000);
const tokens = { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0 };
let counter = 0;

function record(userId: string, minutes: number, extra: Partial<UsageRecord> = {}): UsageRecord {
  counter++;
  return {
    requestId: `req-log-${counter.toString().padStart(4, '0')}`,
    userId,
    endpoint: 'chat',
    provider: 'openai',
    model: 'gpt-4o-mini',
    keySource: 'global',
    tokens,
    status: 200,
    latencyMs: 300 + counter,
    at: at(minutes),
    ...extra,
  };
}

const page = async (client: Client, url: string) => {
  const response = await client.get(url);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { requests: RequestLogRow[]; nextCursor: string | null };
};
const idsOf = (rows: RequestLogRow[]) => rows.map((row) => row.id);

/** Every row of a filtered log, walked page by page. */
async function walk(client: Client, base: string, limit: number) {
  const seen: RequestLogRow[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = base.includes('?') ? '&' : '?';
    const answer = await page(
      client,
      `${base}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(answer.requests.length).toBeLessThanOrEqual(limit);
    seen.push(...answer.requests);
    cursor = answer.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return seen;
}

beforeAll(async () => {
  test = await createTestApp({ WEBOX_TIMEZONE: 'Europe/Paris' });
  admin = await signUp(test.app, { name: 'Admin' });
  alice = await signUp(test.app, { name: 'Alice' });
  bob = await signUp(test.app, { name: 'Bob' });
  carol = await signUp(test.app, { name: 'Carol' });
  dave = await signUp(test.app, { name: 'Dave' });
  for (const [name, client] of Object.entries({ admin, alice, bob, carol, dave })) {
    ids[name] = (await client.get('/api/me')).json().id;
  }
  const group = (await admin.post('/api/admin/groups', { name: 'Request log class' })).json();
  expect((await admin.put(`/api/admin/groups/${group.id}/members/${ids.carol}`, { role: 'admin' })).statusCode).toBe(
    200,
  );
  expect((await admin.put(`/api/admin/groups/${group.id}/members/${ids.dave}`, {})).statusCode).toBe(200);

  const alices: UsageRecord[] = [];
  for (let minute = 0; minute < 20; minute++) alices.push(record(ids.alice as string, minute));
  alices.push(
    record(ids.alice as string, 20, { status: 429, errorCode: 'quota_exceeded', tokens: null, keySource: 'global' }),
    record(ids.alice as string, 21, { status: 502, errorCode: 'provider_error', tokens: null }),
    record(ids.alice as string, 22, { keySource: 'personal', provider: 'anthropic', model: 'claude-haiku-4-5' }),
    record(ids.alice as string, 23, { model: 'not-in-the-catalogue' }),
    record(ids.alice as string, 24, {
      tokens: null,
      estimatedTokens: tokens,
      status: 502,
      errorCode: 'provider_error',
    }),
    record(ids.alice as string, 25, { keySource: 'none', status: 400, errorCode: 'no_api_key', tokens: null }),
    // Two requests in the same millisecond: the id breaks the tie.
    record(ids.alice as string, 26),
    record(ids.alice as string, 26),
    // The next Paris day (2026-03-11 begins at 23:00Z).
    record(ids.alice as string, 61, { provider: 'groq', model: 'openai/gpt-oss-120b' }),
  );
  await test.app.metering.ledger.writeNow(alices);
  await test.app.metering.ledger.writeNow([
    record(ids.bob as string, 5),
    record(ids.bob as string, 6, { status: 502, errorCode: 'provider_error', tokens: null }),
    record(ids.dave as string, 7),
    record(ids.dave as string, 8, { status: 429, errorCode: 'rate_limited', tokens: null }),
  ]);
});

afterAll(async () => {
  await test?.close();
});

describe('GET /api/requests', () => {
  it("lists the user's own requests, newest first, with the ledger's fields and no user", async () => {
    const { requests, nextCursor } = await page(alice, '/api/requests?limit=200');
    expect(nextCursor).toBeNull();
    expect(requests).toHaveLength(29);
    const times = requests.map((row) => row.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(requests[0]).toMatchObject({ provider: 'groq', model: 'openai/gpt-oss-120b', user: null });
    const failed = requests.find((row) => row.error === 'quota_exceeded');
    expect(failed).toMatchObject({ status: 429, source: 'global', inputTokens: 0, costMicrousd: 0, estimated: false });
    const ok = requests.find((row) => row.model === 'gpt-4o-mini' && row.status === 200);
    expect(ok?.costMicrousd).toBeGreaterThan(0);
    expect(ok).toMatchObject({ inputTokens: 100, outputTokens: 50, error: null, unpriced: false });
    expect(ok?.latencyMs).toBeGreaterThan(300);
    expect(requests.find((row) => row.model === 'not-in-the-catalogue')).toMatchObject({
      unpriced: true,
      costMicrousd: 0,
    });
    expect(requests.find((row) => row.estimated)).toMatchObject({ outputTokens: 50, status: 502 });
    // The two rows of the same instant, in id order (descending).
    const tied = requests.filter((row) => row.at === at(26).toISOString()).map((row) => row.id);
    expect(tied).toHaveLength(2);
    expect(tied).toEqual([...tied].sort().reverse());
    const bobs = await page(bob, '/api/requests');
    expect(bobs.requests).toHaveLength(2);
  });

  it('applies every filter', async () => {
    const count = async (query: string) => (await page(alice, `/api/requests?limit=200&${query}`)).requests;
    expect(await count('provider=anthropic')).toHaveLength(1);
    expect(await count('model=anthropic/claude-haiku-4-5')).toHaveLength(1);
    expect(await count('model=openai/claude-haiku-4-5')).toHaveLength(0);
    expect(await count('model=groq/openai/gpt-oss-120b')).toHaveLength(1);
    expect(await count('model=openai/gpt-oss-120b')).toHaveLength(1);
    expect(await count('model=gpt-4o-mini')).toHaveLength(26);
    expect((await count('source=personal')).map((row) => row.source)).toEqual(['personal']);
    expect(await count('source=none')).toHaveLength(1);
    expect(await count('source=global')).toHaveLength(27);
    const failed = await count('status=failed');
    expect(failed.map((row) => row.status).sort()).toEqual([400, 429, 502, 502]);
    expect(await count('status=ok')).toHaveLength(25);
    expect((await count('status=502')).map((row) => row.error)).toEqual(['provider_error', 'provider_error']);
    expect(await count('status=200')).toHaveLength(25);
    expect((await count('error=quota_exceeded')).map((row) => row.status)).toEqual([429]);
    expect((await count('error=provider_error&estimated=true')).map((row) => row.estimated)).toEqual([true]);
    expect(await count('estimated=false')).toHaveLength(28);
    expect((await count('unpriced=true')).map((row) => row.model)).toEqual(['not-in-the-catalogue']);
    // Days in the operator's zone (Europe/Paris), both included.
    expect(await count('from=2026-03-11')).toHaveLength(1);
    expect(await count('to=2026-03-10')).toHaveLength(28);
    expect(await count('from=2026-03-10&to=2026-03-10')).toHaveLength(28);
    expect(await count('from=2026-03-12')).toHaveLength(0);
    // Instants: from included, to excluded.
    const from = encodeURIComponent(at(20).toISOString());
    const to = encodeURIComponent(at(22).toISOString());
    expect((await count(`from=${from}&to=${to}`)).map((row) => row.error)).toEqual([
      'provider_error',
      'quota_exceeded',
    ]);
    expect(await count(`from=${encodeURIComponent('2026-03-10T23:05:00+01:00')}`)).toHaveLength(24);
    expect(await count('provider=openai&status=failed&source=global')).toHaveLength(3);
  });

  it('pages by cursor with no duplicates and no gaps, stable while newer rows arrive', async () => {
    const all = idsOf((await page(alice, '/api/requests?limit=200')).requests);
    const walked = idsOf(await walk(alice, '/api/requests', 4));
    expect(walked).toEqual(all);
    expect(new Set(walked).size).toBe(walked.length);
    const failedWalk = idsOf(await walk(alice, '/api/requests?status=failed', 1));
    expect(failedWalk).toEqual(idsOf((await page(alice, '/api/requests?status=failed')).requests));

    // Newer rows written between two pages change neither the next page nor what follows.
    const first = await page(alice, '/api/requests?limit=5');
    await test.app.metering.ledger.writeNow([
      record(ids.alice as string, 90),
      record(ids.alice as string, 91),
      record(ids.alice as string, 3),
    ]);
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await page(alice, `/api/requests?limit=5&cursor=${encodeURIComponent(cursor)}`);
      rest.push(...idsOf(next.requests));
      cursor = next.nextCursor;
    }
    // A row of minute 3 written late is older than the cursor: it shows up in its place; the newer
    // ones are on a fresh first page.
    const after = idsOf((await page(alice, '/api/requests?limit=200')).requests);
    expect([...idsOf(first.requests), ...rest]).toEqual(after.slice(2));
    expect(after).toHaveLength(32);
  });

  it('lets a group admin read a member of their group, and no one else anybody else', async () => {
    const daves = await page(carol, `/api/requests?user=${ids.dave}`);
    expect(daves.requests).toHaveLength(2);
    expect(daves.requests[0]?.user).toMatchObject({ id: ids.dave, name: 'Dave' });
    expect((await page(carol, `/api/requests?user=${ids.dave}&status=failed`)).requests).toHaveLength(1);
    expect((await carol.get(`/api/requests?user=${ids.alice}`)).statusCode).toBe(404);
    expect((await dave.get(`/api/requests?user=${ids.carol}`)).statusCode).toBe(404);
    const refused = await alice.get(`/api/requests?user=${ids.bob}`);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('not_found');
    expect((await alice.get(`/api/requests?user=${ids.alice}`)).statusCode).toBe(200);
  });

  it('refuses bad cursors, limits and filters with 400 invalid_request, and anonymous callers', async () => {
    for (const query of [
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('[1,2]').toString('base64url')}`,
      `cursor=${Buffer.from('{"a":1}').toString('base64url')}`,
      'limit=201',
      'limit=0',
      'status=broken',
      'source=stolen',
      'from=2026-13-45',
      'from=yesterday',
      'from=2026-03-11&to=2026-03-10',
      'estimated=maybe',
      'error=Not%20A%20Code',
    ]) {
      const response = await alice.get(`/api/requests?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe('invalid_request');
    }
    expect((await anonymous(test.app).get('/api/requests')).statusCode).toBe(401);
    expect((await anonymous(test.app).get('/api/admin/requests')).statusCode).toBe(401);
  });
});

describe('GET /api/admin/requests', () => {
  it("is for admins only, and lists everyone's requests with their user", async () => {
    const refused = await alice.get('/api/admin/requests');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    const everyone = await walk(admin, '/api/admin/requests', 7);
    expect(everyone.length).toBeGreaterThanOrEqual(36);
    expect(new Set(idsOf(everyone)).size).toBe(everyone.length);
    const users = new Set(everyone.map((row) => row.user?.id));
    for (const name of ['alice', 'bob', 'dave']) expect(users.has(ids[name])).toBe(true);
    expect(everyone.find((row) => row.user?.id === ids.bob)?.user).toMatchObject({ name: 'Bob', email: bob.email });
  });

  it('filters by user (id or e-mail) and the rest', async () => {
    const byId = await page(admin, `/api/admin/requests?user=${ids.bob}`);
    expect(byId.requests).toHaveLength(2);
    const byEmail = await page(admin, `/api/admin/requests?user=${encodeURIComponent(bob.email)}`);
    expect(idsOf(byEmail.requests)).toEqual(idsOf(byId.requests));
    expect((await page(admin, '/api/admin/requests?user=nobody%40example.com')).requests).toHaveLength(0);
    const failed = await page(admin, `/api/admin/requests?user=${ids.bob}&status=failed`);
    expect(failed.requests.map((row) => row.error)).toEqual(['provider_error']);
    const rateLimited = await page(admin, '/api/admin/requests?error=rate_limited');
    expect(rateLimited.requests.map((row) => row.user?.id)).toEqual([ids.dave]);
    expect((await admin.get('/api/admin/requests?cursor=bad')).statusCode).toBe(400);
  });
});

describe('format=csv', () => {
  it('exports the same rows as the JSON in French, whatever cursor and limit say', async () => {
    const json = (await page(admin, `/api/admin/requests?user=${ids.alice}&limit=200`)).requests;
    const response = await admin.get(`/api/admin/requests?user=${ids.alice}&format=csv&limit=2&lang=fr`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="webox-requests-/);
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    const records = parse(response.body, { columns: true, bom: true, delimiter: ';' }) as Record<string, string>[];
    expect(records).toHaveLength(json.length);
    expect(records.map((row) => row['Requête (id)'])).toEqual(idsOf(json));
    records.forEach((row, index) => {
      const api = json[index] as RequestLogRow;
      expect(row['Adresse e-mail']).toBe(alice.email);
      expect(Number(row['Coût (micro-dollars)'])).toBe(api.costMicrousd);
      expect(Number(row['Coût (USD)']?.replace(',', '.'))).toBeCloseTo(api.costMicrousd / 1e6, 6);
      expect(Number(row['Jetons de sortie'])).toBe(api.outputTokens);
      expect(Number(row.Statut)).toBe(api.status);
      expect(row.Erreur).toBe(api.error ?? '');
      expect(row.Estimé).toBe(api.estimated ? 'oui' : 'non');
    });
    // 22:00Z on 2026-03-10 is 23:00 in Paris.
    expect(records.at(-1)?.Date).toBe('2026-03-10 23:00:00');
  });

  it("exports only the user's own rows on /api/requests, filtered, in English", async () => {
    const response = await bob.get('/api/requests?format=csv&status=failed&lang=en');
    expect(response.statusCode).toBe(200);
    const records = parse(response.body, { columns: true, bom: true }) as Record<string, string>[];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ Error: 'provider_error', Status: '502', Estimated: 'no' });
    expect(Object.keys(records[0] as object)).not.toContain('Email');
    expect(response.body).not.toContain(bob.email);
  });
});
