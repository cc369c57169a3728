// An invitation into a group across two instances sharing one PostgreSQL database: the accepted
// account's membership is announced once its transaction has committed, so the group's budget and
// model list hold its first call on the other instance. PostgreSQL only: the embedded PGlite
// database has one process.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import { GROUP_CHANNEL } from '../src/server/groups/group-service.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { type Client, clientWithCookie, cookieFrom, signUp, uniqueEmail } from './helpers/client.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/database.ts';
import { makeKey } from './helpers/keys.ts';
import { NO_LIMITS } from './helpers/limits.ts';
import { waitFor } from './helpers/server-process.ts';

describe.skipIf(!postgresUrl)('an invitation into a group across two instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let fakes: FakeUpstreams;
  let first: App;
  let second: App;
  let admin: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    fakes = await startFakeUpstreams();
    const env = {
      DATABASE_URL: database.databaseUrl,
      WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
      WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
      WEBOX_RATE_LIMIT_RPM: '1000000',
      LOG_LEVEL: 'silent',
      ...fakes.env,
    };
    first = await buildApp(parseConfig(env));
    second = await buildApp(parseConfig(env));
    admin = await signUp(first);
    await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await fakes?.close();
    await database?.drop();
  });

  const completion = (app: App, token: string, model: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100 }),
    });

  it("makes the group's models and budget hold the new member's first call on the other instance", async () => {
    const heard: string[] = [];
    second.bus.subscribe(GROUP_CHANNEL, (message) => heard.push(message));
    const group = await admin.post('/api/admin/groups', {
      name: `Seconde ${Date.now().toString(36)}`,
      models: ['openai/gpt-5-nano'],
      budgets: { ...NO_LIMITS, dayTokens: 10 },
    });
    expect(group.statusCode, group.body).toBe(201);
    const groupId = group.json().id as string;

    const invited = await admin.post('/api/admin/invitations', { email: uniqueEmail('pupil'), groupId });
    expect(invited.statusCode, invited.body).toBe(201);
    const token = (invited.json().invitations[0].url as string).split('#')[1] ?? '';
    const accepted = await first.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      headers: { origin: first.config.publicUrl },
      payload: { name: 'Léa', password: 'a long enough password' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const userId = accepted.json().user.id as string;
    const pupil = clientWithCookie(first, cookieFrom(accepted));
    const accessToken = (await pupil.post('/api/tokens', { name: 'class' })).json().token as string;

    // The membership reached the other instance, once.
    await waitFor(async () => heard.includes(`u:${userId}`), 2_000, 20);
    expect(heard.filter((message) => message === `u:${userId}`)).toHaveLength(1);
    expect(await second.groups.modelsOf(userId)).toEqual(['openai/gpt-5-nano']);

    const outside = await completion(second, accessToken, 'openai/gpt-4.1');
    expect(outside.statusCode, outside.body).toBe(403);
    expect(outside.json().error.code).toBe('model_not_in_plan');
    const overBudget = await completion(second, accessToken, 'openai/gpt-5-nano');
    expect(overBudget.statusCode, overBudget.body).toBe(429);
    expect(overBudget.json().error.code).toBe('quota_exceeded');
    expect(fakes.byProvider.openai.requests.filter((request) => request.path.endsWith('/completions'))).toHaveLength(0);
  });
});
