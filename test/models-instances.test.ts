// The models offered on the global keys across two instances sharing one PostgreSQL database: an
// admin's change on one instance applies on the other once its notice arrives (within a second),
// for the gate and for /v1/models, with no read of the settings row per call. PostgreSQL only: the
// embedded PGlite database has one process.
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/server/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { postgresUrl } from './helpers/database.ts';
import { waitFor } from './helpers/server-process.ts';
import { twoInstancesOnPostgres } from './helpers/two-instances.ts';

describe.skipIf(!postgresUrl)('the offered models across two instances on one PostgreSQL', () => {
  const instances = twoInstancesOnPostgres();
  let first: App;
  let second: App;
  let admin: Client;
  beforeAll(() => {
    ({ first, second, admin } = instances());
  });

  const completion = (app: App, token: string, model: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
    });
  const listed = async (app: App, token: string) =>
    (await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${token}` } }))
      .json()
      .data.map((model: { id: string }) => model.id) as string[];

  it('a change on one instance applies on the other within a second, the gate and the list alike', async () => {
    const user = await signUp(first);
    const token = (await user.post('/api/tokens', { name: 'models' })).json().token as string;
    expect((await completion(second, token, 'openai/gpt-4.1')).statusCode).toBe(200);

    const started = Date.now();
    expect((await admin.put('/api/admin/models', { offered: ['openai/gpt-5-nano'] })).statusCode).toBe(200);
    await waitFor(async () => (await completion(second, token, 'openai/gpt-4.1')).statusCode === 403, 2_000, 50);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await listed(second, token)).toEqual(['openai/gpt-5-nano']);
    expect((await completion(second, token, 'openai/gpt-5-nano')).statusCode).toBe(200);

    // Warm: calls on the second instance read no settings row.
    let reads = 0;
    const read = second.models.store.read;
    second.models.store.read = () => {
      reads += 1;
      return read();
    };
    expect((await completion(second, token, 'openai/gpt-4.1')).statusCode).toBe(403);
    expect(reads).toBe(0);
    expect((await admin.put('/api/admin/models', { offered: 'all' })).statusCode).toBe(200);
    await waitFor(async () => (await completion(second, token, 'openai/gpt-4.1')).statusCode === 200, 2_000, 50);
    expect(reads).toBe(1);
    second.models.store.read = read;
  });
});
