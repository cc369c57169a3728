// Two WeBox instances sharing one PostgreSQL database (the way WeBox scales out): a token revoked
// or a key changed on one stops or changes on the other within a second, although each serves
// what it has seen from memory; without REDIS_URL they warn that each counts rate limits alone.
// PostgreSQL only: the embedded PGlite database has one process.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import { captureLogs } from './helpers/app.ts';
import { type Client, clientWithCookie, signUp } from './helpers/client.ts';
import { createTestDatabase, postgresUrl } from './helpers/database.ts';
import { makeKey } from './helpers/keys.ts';
import { waitFor } from './helpers/server-process.ts';
import { twoInstancesOnPostgres } from './helpers/two-instances.ts';

describe.skipIf(!postgresUrl)('two instances on one PostgreSQL', () => {
  const instances = twoInstancesOnPostgres({}, { globalKey: false });
  let first: App;
  let second: App;
  let admin: Client;
  beforeAll(() => {
    ({ first, second, admin } = instances());
  });

  const models = (app: App, token: string) =>
    app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${token}` } });

  it('a token revoked on one instance stops working on the other within a second', async () => {
    const user = await signUp(first);
    const created = (await user.post('/api/tokens', { name: 'shared' })).json();
    // The second instance authenticates once, and from then on answers from its memory.
    expect((await models(second, created.token)).statusCode).toBe(200);
    expect((await models(second, created.token)).statusCode).toBe(200);

    const revokedAt = Date.now();
    expect((await user.delete(`/api/tokens/${created.id}`)).statusCode).toBe(204);
    expect((await models(first, created.token)).statusCode).toBe(401);
    const refusedAt = await waitFor(async () => (await models(second, created.token)).statusCode === 401, 1000, 25);
    expect(refusedAt - revokedAt).toBeLessThan(1000);
  });

  it('a key saved or deleted on one instance is used by the other within a second', async () => {
    const userId = (await admin.get('/api/me')).json().id as string;
    const globalKey = makeKey.openai();
    expect(await second.vault.getApiKeySource(userId, 'openai')).toBe('none');
    expect((await admin.put('/api/admin/keys/openai', { apiKey: globalKey })).statusCode).toBe(200);
    await waitFor(async () => (await second.vault.getApiKey(userId, 'openai')) === globalKey, 1000, 25);

    const personal = makeKey.openai();
    await clientWithCookie(second, admin.cookie).put('/api/keys/openai', { apiKey: personal });
    await waitFor(async () => (await first.vault.getApiKey(userId, 'openai')) === personal, 1000, 25);

    await admin.delete('/api/keys/openai');
    await admin.delete('/api/admin/keys/openai');
    await waitFor(async () => (await second.vault.getApiKeySource(userId, 'openai')) === 'none', 1000, 25);
  });
});

describe.skipIf(!postgresUrl)('several instances without REDIS_URL', () => {
  it('each warns at start that it counts rate limits alone, and says so again when it hears another', async () => {
    const database = await createTestDatabase();
    const { logs, logStream } = captureLogs();
    const env = {
      DATABASE_URL: database.databaseUrl,
      WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
      WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'warn',
    };
    const first = await buildApp(parseConfig(env), { logStream });
    const second = await buildApp(parseConfig(env), { logStream });
    try {
      expect(logs.filter((line) => line.includes('REDIS_URL is not set')).length).toBeGreaterThanOrEqual(2);
      await waitFor(
        async () => logs.some((line) => line.includes('Another WeBox instance shares this database')),
        2000,
        25,
      );
    } finally {
      await first.close();
      await second.close();
      await database.drop();
    }
  });

  it('with REDIS_URL set, no such warning', async () => {
    const database = await createTestDatabase();
    const { logs, logStream } = captureLogs();
    const app = await buildApp(
      parseConfig({
        DATABASE_URL: database.databaseUrl,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
        WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
        LOG_LEVEL: 'warn',
      }),
      { logStream },
    );
    try {
      expect(app.metering.rates.store).toBe('redis');
      expect(logs.some((line) => line.includes('REDIS_URL'))).toBe(false);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
