// An invitation into a group across two instances sharing one PostgreSQL database: the accepted
// account's membership is announced once its transaction has committed, so the group's budget and
// model list hold its first call on the other instance. PostgreSQL only: the embedded PGlite
// database has one process.
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/server/app.ts';
import { GROUP_CHANNEL } from '../src/server/groups/group-service.ts';
import type { FakeUpstreams } from './fakes/index.ts';
import { type Client, clientWithCookie, cookieFrom, uniqueEmail } from './helpers/client.ts';
import { postgresUrl } from './helpers/database.ts';
import { NO_LIMITS } from './helpers/limits.ts';
import { waitFor } from './helpers/server-process.ts';
import { twoInstancesOnPostgres } from './helpers/two-instances.ts';

describe.skipIf(!postgresUrl)('an invitation into a group across two instances on one PostgreSQL', () => {
  const instances = twoInstancesOnPostgres();
  let first: App;
  let second: App;
  let admin: Client;
  let fakes: FakeUpstreams;
  beforeAll(() => {
    ({ first, second, admin, fakes } = instances());
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
