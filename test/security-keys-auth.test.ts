// Issue 11: the key is decrypted after admission, once. Every model-call path (/v1, /api/chat, a
// conversation turn) finds the key's source without AES, passes the rate limits and the budget,
// and only then opens the key: a refused request decrypts nothing, a served one exactly once.
// Decryptions are counted at the vault's one AES entry point (crypto.ts `open`).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VaultDecryptReason } from '../src/server/vault/crypto.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { type Member, member, NO_LIMITS, setLimits, v1 } from './helpers/limits.ts';
import { parseSse } from './helpers/sse.ts';

const decryptions = vi.hoisted(() => ({ count: 0, failWith: null as VaultDecryptReason | null }));

vi.mock('../src/server/vault/crypto.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/server/vault/crypto.ts')>();
  return {
    ...actual,
    open: (...args: Parameters<typeof actual.open>) => {
      decryptions.count++;
      if (decryptions.failWith) throw new actual.VaultDecryptError(decryptions.failWith);
      return actual.open(...args);
    },
  };
});

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app);
  expect((await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() })).statusCode).toBe(200);
});

beforeEach(() => {
  fakes.reset();
  decryptions.count = 0;
  decryptions.failWith = null;
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

const ask = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };
const chat = (client: Client, stream = false) =>
  client.post('/api/chat', {
    provider: 'openai',
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hello' }],
    stream,
  });

/** Decryptions one call performs. */
async function decryptionsOf<T>(call: () => Promise<T>): Promise<{ result: T; decrypted: number }> {
  const before = decryptions.count;
  const result = await call();
  return { result, decrypted: decryptions.count - before };
}

const oneRequestPerMinute = async (user: Member) =>
  expect((await setLimits(admin, user.id, { requestsPerMinute: 1 })).statusCode).toBe(200);
const tinyBudget = async (user: Member) =>
  expect((await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens: 1 } })).statusCode).toBe(200);

describe('/v1/chat/completions decrypts after admission', () => {
  it('a served request decrypts once; one refused by the rate limit decrypts nothing', async () => {
    const user = await member(test);
    await oneRequestPerMinute(user);
    const served = await decryptionsOf(() => v1(test, user.token, ask));
    expect(served.result.statusCode).toBe(200);
    expect(served.decrypted).toBe(1);

    const refused = await decryptionsOf(() => v1(test, user.token, ask));
    expect(refused.result.statusCode).toBe(429);
    expect(refused.result.json().error.code).toBe('rate_limited');
    expect(refused.decrypted).toBe(0);
  });

  it('a request refused by the budget decrypts nothing and reaches no provider', async () => {
    const user = await member(test);
    await tinyBudget(user);
    const refused = await decryptionsOf(() => v1(test, user.token, ask));
    expect(refused.result.statusCode).toBe(429);
    expect(refused.result.json().error.code).toMatch(/budget|quota|limit/);
    expect(refused.decrypted).toBe(0);
    expect(fakes.byProvider.openai.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
  });

  it('a key that cannot be opened after admission still fails closed, and the admission is released', async () => {
    const user = await member(test);
    decryptions.failWith = 'authentication_failed';
    const failed = await v1(test, user.token, ask);
    expect(failed.statusCode).toBe(500);
    expect(failed.json().error.code).toBe('vault_decrypt_failed');
    expect(fakes.byProvider.openai.requests).toHaveLength(0);
    expect(test.app.metering.inFlight(user.id)).toBe(0);
  });
});

describe('/api/chat decrypts after admission', () => {
  it('a served answer decrypts once; one refused by the rate limit or the budget decrypts nothing', async () => {
    const limited = await member(test);
    await oneRequestPerMinute(limited);
    const served = await decryptionsOf(() => chat(limited.client));
    expect(served.result.statusCode).toBe(200);
    expect(served.decrypted).toBe(1);
    const refused = await decryptionsOf(() => chat(limited.client));
    expect(refused.result.statusCode).toBe(429);
    expect(refused.decrypted).toBe(0);

    const budgeted = await member(test);
    await tinyBudget(budgeted);
    const overBudget = await decryptionsOf(() => chat(budgeted.client, true));
    expect(overBudget.result.statusCode).toBe(429);
    expect(overBudget.decrypted).toBe(0);
  });

  it('a key that cannot be opened after admission still answers vault_decrypt_failed', async () => {
    const user = await member(test);
    decryptions.failWith = 'authentication_failed';
    const failed = await chat(user.client);
    expect(failed.statusCode).toBe(500);
    expect(failed.json().error.code).toBe('vault_decrypt_failed');
    expect(test.app.metering.inFlight(user.id)).toBe(0);
  });
});

describe('a conversation turn', () => {
  it('decrypts once, and a refused turn not at all', async () => {
    const user = await member(test);
    await oneRequestPerMinute(user);
    const created = await user.client.post('/api/conversations', { provider: 'openai', model: 'gpt-4o-mini' });
    const id = created.json().id as string;
    const turn = await decryptionsOf(() => user.client.post(`/api/conversations/${id}/messages`, { content: 'Hi' }));
    expect(turn.result.statusCode).toBe(200);
    const done = parseSse(turn.result.body).at(-1) as { type: string; source: string };
    expect(done).toMatchObject({ type: 'done', source: 'global' });
    expect(turn.decrypted).toBe(1);

    const refused = await decryptionsOf(() => user.client.post(`/api/conversations/${id}/messages`, { content: 'Hi' }));
    expect(refused.result.statusCode).toBe(429);
    expect(refused.decrypted).toBe(0);
  });
});

describe('the key found is the key opened', () => {
  it('a key saved between finding and opening does not mix sources: the row admitted is decrypted', async () => {
    const user = await member(test);
    const globalKey = makeKey.mistral();
    expect((await admin.put('/api/admin/keys/mistral', { apiKey: globalKey })).statusCode).toBe(200);
    const found = await test.app.vault.findKey(user.id, 'mistral');
    expect(found.source).toBe('global');
    expect(decryptions.count).toBe(0);

    const personalKey = makeKey.mistral();
    expect((await user.client.put('/api/keys/mistral', { apiKey: personalKey })).statusCode).toBe(200);
    // Admitted on the global key, so sent with the global key; the personal one serves the next request.
    if (found.source === 'none') throw new Error('unreachable');
    expect(found.decrypt()).toBe(globalKey);
    const next = await test.app.vault.findKey(user.id, 'mistral');
    expect(next.source).toBe('personal');
    if (next.source === 'none') throw new Error('unreachable');
    expect(next.decrypt()).toBe(personalKey);
  });
});
