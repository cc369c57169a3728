// A group's model list, end to end with the real groups module (not a stub): what the admin sets
// on the group is what its members are offered on the global keys (GET /api/providers, /v1/models)
// and all they may call there (403 model_not_in_plan naming the group, no upstream call, on /v1
// and /api/chat); a personal key is never restricted; leaving the group lifts the list at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import type { Client } from './helpers/client.ts';
import { signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { member, v1 } from './helpers/limits.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;

const ask = (model: string) => ({ model, messages: [{ role: 'user', content: 'Bonjour' }] });

const v1Models = async (token: string) =>
  (await test.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${token}` } }))
    .json()
    .data.map((entry: { id: string }) => entry.id) as string[];

const pickerModels = async (client: Client, provider: string) =>
  ((await client.get('/api/providers')).json().providers as Array<{ id: string; models: Array<{ id: string }> }>)
    .find((entry) => entry.id === provider)
    ?.models.map((model) => model.id) ?? [];

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app, { name: 'Admin' });
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  await admin.put('/api/admin/keys/mistral', { apiKey: makeKey.mistral() });
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe("a group's models on the global keys", () => {
  it('are all its members see and may call; a personal key and leaving the group lift the list', async () => {
    const group = (
      await admin.post('/api/admin/groups', { name: `3e B ${Date.now()}`, models: ['openai/gpt-4o-mini'] })
    ).json() as { id: string };
    const student = await member(test);
    const outsider = await member(test);
    expect((await admin.put(`/api/admin/groups/${group.id}/members/${student.id}`, {})).statusCode).toBe(200);

    expect(await v1Models(student.token)).toEqual(['openai/gpt-4o-mini']);
    expect(await pickerModels(student.client, 'openai')).toEqual(['gpt-4o-mini']);
    expect(await pickerModels(student.client, 'mistral')).toEqual([]);
    expect((await v1Models(outsider.token)).length).toBeGreaterThan(1);

    expect((await v1(test, student.token, ask('openai/gpt-4o-mini'))).statusCode).toBe(200);
    const refused = await v1(test, student.token, ask('openai/gpt-4.1'));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'model_not_in_plan', type: 'permission_error' });
    const chat = await student.client.post('/api/chat', {
      provider: 'mistral',
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'Bonjour' }],
      stream: false,
    });
    expect(chat.statusCode).toBe(403);
    expect(chat.json().error).toMatchObject({ code: 'model_not_in_plan', restrictedBy: 'group' });
    // The refusals reached no provider: only the allowed call did.
    expect(fakes.requests().map((request) => request.provider)).toEqual(['openai']);
    expect((await v1(test, outsider.token, ask('openai/gpt-4.1'))).statusCode).toBe(200);

    // Their own key reaches any model.
    await student.client.put('/api/keys/openai', { apiKey: makeKey.openai() });
    expect((await v1(test, student.token, ask('openai/gpt-4.1'))).statusCode).toBe(200);
    await student.client.delete('/api/keys/openai');

    expect((await admin.delete(`/api/admin/groups/${group.id}/members/${student.id}`)).statusCode).toBe(204);
    expect((await v1(test, student.token, ask('openai/gpt-4.1'))).statusCode).toBe(200);
  });

  it('costs no query per call once warm, for a user in a group and for one in none', async () => {
    const group = (await admin.post('/api/admin/groups', { name: `4e A ${Date.now()}`, models: null })).json() as {
      id: string;
    };
    const grouped = await member(test);
    const alone = await member(test);
    await admin.put(`/api/admin/groups/${group.id}/members/${grouped.id}`, {});
    const db = test.app.database.db;
    const select = db.select.bind(db);
    let selects = 0;
    db.select = ((...args: Parameters<typeof select>) => {
      selects += 1;
      return select(...args);
    }) as typeof db.select;
    try {
      for (const who of [grouped, alone]) {
        await test.app.groups.budgetsOf(who.id);
        const warm = selects;
        await test.app.groups.modelsOf(who.id);
        await test.app.groups.budgetsOf(who.id);
        // A user in no group is remembered as such: before, each of their calls read the tables.
        expect(selects).toBe(warm);
      }
    } finally {
      db.select = select;
    }
  });
});
