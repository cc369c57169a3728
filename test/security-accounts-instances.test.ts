// Accounts across two instances sharing one PostgreSQL database (issue 10, items 2 and 9): a token
// served from the other instance's memory stops within a second of its owner being disabled or
// deleted, and works again once re-enabled; the first-account and last-admin rules hold when the
// racing requests land on different instances; `webox user promote`, run from the command line,
// reaches both running instances at once. PostgreSQL only: PGlite has one process.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import {
  activeAdmins,
  expectAnAdminAlwaysRemains,
  expectOneAccountWhenClosed,
  expectOneFirstAdmin,
  FIRST_PASSWORD,
} from './helpers/account-races.ts';
import { signIn, signUp } from './helpers/client.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/database.ts';
import { makeKey } from './helpers/keys.ts';
import { waitFor } from './helpers/server-process.ts';

const run = promisify(execFile);

let fakes: FakeUpstreams;
const databases: TestDatabase[] = [];
const apps: App[] = [];

/** Two instances on a fresh database of their own, and the environment they were given. */
async function twoInstancesWithEnv(env: Record<string, string> = {}) {
  const database = await createTestDatabase();
  databases.push(database);
  const fullEnv = {
    DATABASE_URL: database.databaseUrl,
    WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
    WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'silent',
    WEBOX_RATE_LIMIT_RPM: '1000000',
    ...fakes.env,
    ...env,
  };
  const pair = [await buildApp(parseConfig(fullEnv)), await buildApp(parseConfig(fullEnv))] as const;
  apps.push(...pair);
  return { pair, env: fullEnv };
}

const twoInstances = async (env: Record<string, string> = {}) => (await twoInstancesWithEnv(env)).pair;

beforeAll(async () => {
  if (postgresUrl) fakes = await startFakeUpstreams();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const database of databases) await database.drop();
  await fakes?.close();
});

describe.skipIf(!postgresUrl)('accounts on two instances sharing PostgreSQL', () => {
  it("a disabled, re-enabled or deleted owner's token changes on the other instance within a second", async () => {
    const [first, second] = await twoInstances();
    const admin = await signUp(first);
    expect((await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() })).statusCode).toBe(200);
    const user = await signUp(first);
    const userId = (await user.get('/api/me')).json().id as string;
    const { token } = (await user.post('/api/tokens', { name: 'shared' })).json();
    const models = (app: App) =>
      app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${token}` } });
    // The second instance authenticates once, and from then on answers from its memory.
    expect((await models(second)).statusCode).toBe(200);
    expect((await models(second)).statusCode).toBe(200);

    const disabledAt = Date.now();
    expect((await admin.patch(`/api/admin/users/${userId}`, { disabled: true })).statusCode).toBe(200);
    expect((await models(first)).statusCode).toBe(401);
    const refusedAt = await waitFor(async () => (await models(second)).statusCode === 401, 1000, 25);
    expect(refusedAt - disabledAt).toBeLessThan(1000);
    expect((await models(second)).json().error.code).toBe('invalid_token');

    const enabledAt = Date.now();
    expect((await admin.patch(`/api/admin/users/${userId}`, { disabled: false })).statusCode).toBe(200);
    const restoredAt = await waitFor(async () => (await models(second)).statusCode === 200, 1000, 25);
    expect(restoredAt - enabledAt).toBeLessThan(1000);

    const deletedAt = Date.now();
    expect((await admin.delete(`/api/admin/users/${userId}`)).statusCode).toBe(204);
    const goneAt = await waitFor(async () => (await models(second)).statusCode === 401, 1000, 25);
    expect(goneAt - deletedAt).toBeLessThan(1000);
  });

  it('`webox user promote` run on the command line reaches both running instances at once', async () => {
    const { pair, env } = await twoInstancesWithEnv();
    const [first, second] = pair;
    const admin = await signUp(first);
    expect((await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() })).statusCode).toBe(200);
    expect((await admin.put('/api/admin/billing', { policy: 'subscribers' })).statusCode).toBe(200);
    const user = await signUp(first);
    const { token } = (await user.post('/api/tokens', { name: 'shared' })).json();
    const ask = (app: App) =>
      app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hello' }] },
      });
    // Both instances have decided (and cached) that this user needs a subscription.
    await waitFor(async () => (await ask(second)).statusCode === 402, 1000, 25);
    expect((await ask(first)).statusCode).toBe(402);

    await run(process.execPath, ['src/server/main.ts', 'user', 'promote', user.email], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    // Heard, not waited for: the caches' safety net would take 60 seconds.
    for (const app of pair) await waitFor(async () => (await ask(app)).statusCode === 200, 5000, 25);
    expect((await ask(second)).statusCode).toBe(200);
  });

  for (let install = 1; install <= 3; install++) {
    it(`simultaneous first sign-ups spread over both instances make exactly one admin (fresh install ${install})`, async () => {
      await expectOneFirstAdmin(await twoInstances());
    });
  }

  it('with WEBOX_SIGNUP=closed, simultaneous first sign-ups over both instances make exactly one account', async () => {
    await expectOneAccountWhenClosed(await twoInstances({ WEBOX_SIGNUP: 'closed' }));
  });

  it('two admins on different instances acting on each other at once always leave one active admin', async () => {
    const pair = await twoInstances();
    await expectOneFirstAdmin(pair);
    const [firstAdmin] = await activeAdmins(pair[0]);
    if (!firstAdmin) throw new Error('no admin to start from');
    const rows = await pair[0].database.query<{ email: string }>('select email from "user" where id = $1', [
      firstAdmin.id,
    ]);
    const { client } = await signIn(pair[0], rows.rows[0]?.email ?? '', FIRST_PASSWORD);
    await expectAnAdminAlwaysRemains(pair, { client, id: firstAdmin.id }, [
      ['demote', 'demote'],
      ['disable', 'disable'],
      ['delete', 'delete'],
      ['demote', 'delete'],
    ]);
  });
});
