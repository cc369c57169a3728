// The in-memory caches against a change that lands while an entry is being read (issue 11): the
// read is held open after its rows arrive, the change is made through the API, then the read goes
// on. Whatever it read predates the change, so it must not be cached: the next request sees the
// change, with no expiry to wait for. Runs on PGlite and, in the PostgreSQL pass, on PostgreSQL
// (across two instances: cache-races-instances).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { holdNextRead, nextTurn } from './helpers/hold-reads.ts';
import { makeKey } from './helpers/keys.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp(fakes.env);
  admin = await signUp(test.app);
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

const models = (token: string) =>
  test.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${token}` } });

async function member() {
  const client = await signUp(test.app);
  const id = (await client.get('/api/me')).json().id as string;
  const created = (await client.post('/api/tokens', { name: 'race' })).json() as { id: string; token: string };
  return { client, id, tokenId: created.id, token: created.token };
}

const NO_LIMITS = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };
const limitsOf = async (client: Client) => (await client.get('/api/limits')).json();

describe('access tokens', () => {
  it('a token revoked while its entry is loading is refused by the next request', async () => {
    const { client, tokenId, token } = await member();
    const held = holdNextRead(test.app.database.db, /from "access_token"/);
    const during = models(token);
    await held.reached;
    expect((await client.delete(`/api/tokens/${tokenId}`)).statusCode).toBe(204);
    held.release();
    // The request that started before the revocation may still be answered from what it read.
    await during;
    expect((await models(token)).statusCode).toBe(401);
    expect((await models(token)).json().error.code).toBe('invalid_token');
  });

  it('a token whose owner is disabled while its entry is loading is refused by the next request', async () => {
    const { id, token } = await member();
    const held = holdNextRead(test.app.database.db, /"banned".* from "user"/);
    const during = models(token);
    await held.reached;
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).statusCode).toBe(200);
    held.release();
    await during;
    expect((await models(token)).statusCode).toBe(401);
  });

  it('a token whose owner is re-enabled while its entry is loading works on the next request', async () => {
    const { id, token } = await member();
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).statusCode).toBe(200);
    const held = holdNextRead(test.app.database.db, /"banned".* from "user"/);
    const during = models(token);
    await held.reached;
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: false })).statusCode).toBe(200);
    held.release();
    expect((await during).statusCode).toBe(401);
    expect((await models(token)).statusCode).toBe(200);
  });
});

describe('limit policies', () => {
  it("a user's limits changed while they are loading apply to the next request", async () => {
    const { client, id } = await member();
    const held = holdNextRead(test.app.database.db, /from "limit_policy"/);
    const during = limitsOf(client);
    await held.reached;
    const saved = await admin.put(`/api/admin/users/${id}/limits`, {
      global: null,
      personal: null,
      requestsPerMinute: 7,
      tokensPerMinute: null,
    });
    expect(saved.statusCode).toBe(200);
    held.release();
    await during;
    expect((await limitsOf(client)).rateLimits.requestsPerMinute).toBe(7);
  });

  it('the default budgets changed while a user’s limits are loading apply to the next request', async () => {
    const { client } = await member();
    const held = holdNextRead(test.app.database.db, /from "limit_policy"/);
    const during = limitsOf(client);
    await held.reached;
    const budget = { ...NO_LIMITS, dayTokens: 12_345 };
    expect((await admin.put('/api/admin/limits/default', { global: budget, personal: NO_LIMITS })).statusCode).toBe(
      200,
    );
    try {
      held.release();
      await during;
      const lines = (await limitsOf(client)).budgets as Array<{ source: string; unit: string; limit: number }>;
      expect(lines).toContainEqual(expect.objectContaining({ source: 'global', unit: 'tokens', limit: 12_345 }));
    } finally {
      await admin.put('/api/admin/limits/default', { global: NO_LIMITS, personal: NO_LIMITS });
    }
  });
});

describe('provider keys', () => {
  it('a personal key saved while its row is loading is used by the next request', async () => {
    const { client, id } = await member();
    const held = holdNextRead(test.app.database.db, /from "provider_key"/);
    const during = test.app.vault.getApiKeySource(id, 'openai');
    await held.reached;
    const apiKey = makeKey.openai();
    expect((await client.put('/api/keys/openai', { apiKey })).statusCode).toBe(200);
    held.release();
    expect(await during).toBe('none');
    expect(await test.app.vault.getApiKey(id, 'openai')).toBe(apiKey);
  });
});

describe('prices', () => {
  it('a price added while an older reload is still reading is kept', async () => {
    // A notice from another instance starts a reload; the admin adds a price while it reads.
    const held = holdNextRead(test.app.database.db, /from "model_price"/);
    await test.app.bus.publish('model-price', 'changed');
    await held.reached;
    const added = await admin.post('/api/admin/prices', {
      provider: 'openai',
      model: 'race-model',
      effectiveFrom: new Date().toISOString(),
      inputMicrousdPerMtok: 1_000_000,
      outputMicrousdPerMtok: 2_000_000,
      cachedInputMicrousdPerMtok: null,
    });
    expect(added.statusCode).toBe(201);
    held.release();
    await held.delivered;
    await nextTurn();
    const listed = (await admin.get('/api/admin/prices')).json().prices as Array<{ model: string }>;
    expect(listed.map((price) => price.model)).toContain('race-model');
    expect(test.app.metering.prices.priceAt('openai', 'race-model', new Date())?.inputMicrousdPerMtok).toBe(1_000_000);
  });
});
