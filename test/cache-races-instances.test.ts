// The caches' races across two instances sharing one PostgreSQL database (issue 11): the second
// instance is reading an entry when the first one changes it; the second hears of the change
// (NOTIFY) before its read goes on. What it read predates the change, so it must not be cached:
// once the notice has arrived, the second instance's next request sees the change. PostgreSQL
// only: the embedded PGlite database has one process.
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/server/app.ts';
import { type Client, clientWithCookie, signUp } from './helpers/client.ts';
import { postgresUrl } from './helpers/database.ts';
import { holdNextRead, nextTurn } from './helpers/hold-reads.ts';
import { twoInstancesOnPostgres } from './helpers/two-instances.ts';

/** Resolves when `app` hears the next notice on `channel` (after its own caches have). */
function nextNotice(app: App, channel: string) {
  return new Promise<string>((resolve) => {
    let heard = false;
    app.bus.subscribe(channel, (message) => {
      if (heard) return;
      heard = true;
      resolve(message);
    });
  });
}

describe.skipIf(!postgresUrl)('cache races across two instances on one PostgreSQL', () => {
  const instances = twoInstancesOnPostgres({}, { globalKey: false });
  let first: App;
  let second: App;
  let admin: Client;
  beforeAll(() => {
    ({ first, second, admin } = instances());
  });

  const models = (app: App, token: string) =>
    app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${token}` } });

  async function member() {
    const client = await signUp(first);
    const id = (await client.get('/api/me')).json().id as string;
    const created = (await client.post('/api/tokens', { name: 'race' })).json() as { id: string; token: string };
    return { client, id, tokenId: created.id, token: created.token };
  }

  it('a token revoked on one instance while the other is loading it is refused there once the notice arrives', async () => {
    const { client, tokenId, token } = await member();
    const held = holdNextRead(second.database.db, /from "access_token"/);
    const during = models(second, token);
    await held.reached;
    const heard = nextNotice(second, 'access-token');
    expect((await client.delete(`/api/tokens/${tokenId}`)).statusCode).toBe(204);
    await heard;
    held.release();
    await during;
    expect((await models(second, token)).statusCode).toBe(401);
  });

  it('a token whose owner is disabled on one instance while the other is loading it is refused there', async () => {
    const { id, token } = await member();
    const held = holdNextRead(second.database.db, /"banned".* from "user"/);
    const during = models(second, token);
    await held.reached;
    const heard = nextNotice(second, 'account');
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).statusCode).toBe(200);
    await heard;
    held.release();
    await during;
    expect((await models(second, token)).statusCode).toBe(401);
  });

  it("a user's limits changed on one instance while the other is loading them apply there", async () => {
    const { client, id } = await member();
    const onSecond = clientWithCookie(second, client.cookie);
    const held = holdNextRead(second.database.db, /from "limit_policy"/);
    const during = onSecond.get('/api/limits');
    await held.reached;
    const heard = nextNotice(second, 'limit-policy');
    const saved = await admin.put(`/api/admin/users/${id}/limits`, {
      global: null,
      personal: null,
      requestsPerMinute: 7,
      tokensPerMinute: null,
    });
    expect(saved.statusCode).toBe(200);
    await heard;
    held.release();
    await during;
    expect((await onSecond.get('/api/limits')).json().rateLimits.requestsPerMinute).toBe(7);
  });

  it('a price added on one instance while the other is still reading an older list is kept there', async () => {
    // The second instance starts a reload on a first notice and reads the list before the price exists.
    const held = holdNextRead(second.database.db, /from "model_price"/);
    await first.bus.publish('model-price', 'changed');
    await held.reached;
    // The notice of the new price starts another reload there, which reads the new list; it lands
    // first, and the older one is let go after it.
    const newer = holdNextRead(second.database.db, /from "model_price"/);
    newer.release();
    const added = await admin.post('/api/admin/prices', {
      provider: 'openai',
      model: 'race-model-instances',
      effectiveFrom: new Date().toISOString(),
      inputMicrousdPerMtok: 3_000_000,
      outputMicrousdPerMtok: 4_000_000,
      cachedInputMicrousdPerMtok: null,
    });
    expect(added.statusCode).toBe(201);
    await newer.delivered;
    await nextTurn();
    held.release();
    await held.delivered;
    await nextTurn();
    expect(second.metering.prices.priceAt('openai', 'race-model-instances', new Date())?.inputMicrousdPerMtok).toBe(
      3_000_000,
    );
  });
});
