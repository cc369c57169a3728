// The models offered on the global keys (GET/PUT /api/admin/models) and what a user may use there:
// the offer ∩ the plan ∩ the group, refused with 403 model_not_in_plan before any upstream call on
// /api/chat, conversations and /v1; listed only where usable (/v1/models, GET /api/providers);
// never a personal key's business. The group's list is read through app.groups, stubbed here.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { type Member, member, v1 } from './helpers/limits.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;

const CHEAP = 'openai/gpt-5-nano';
const MINI = 'openai/gpt-4o-mini';
const PRICY = 'openai/gpt-4.1';

const chat = (client: Client, model: string) =>
  client.post('/api/chat', {
    provider: model.slice(0, model.indexOf('/')),
    model: model.slice(model.indexOf('/') + 1),
    messages: [{ role: 'user', content: 'Hello' }],
    stream: false,
  });
const completion = (who: Member, model: string) =>
  v1(test, who.token, { model, messages: [{ role: 'user', content: 'Hi' }] });
const upstreamCalls = () =>
  Object.values(fakes.byProvider).flatMap((fake) =>
    fake.requests.filter(
      (request) =>
        request.path.endsWith('/completions') ||
        request.path.includes('generate') ||
        request.path.endsWith('/messages'),
    ),
  );
const setModels = (body: Record<string, unknown>) => admin.put('/api/admin/models', body);
const v1Models = async (who: Member) =>
  (await test.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${who.token}` } }))
    .json()
    .data.map((model: { id: string }) => model.id) as string[];
const pickerModels = async (client: Client) => {
  const body = (await client.get('/api/providers')).json();
  const ids = (body.providers as { id: string; models: { id: string }[] }[]).flatMap((provider) =>
    provider.models.map((model) => `${provider.id}/${model.id}`),
  );
  return { ids, defaultModel: body.defaultModel as string | null };
};

/** The groups module as this module reads it: a stub answering per user. */
const groupLists = new Map<string, string[] | null>();
function standInGroups() {
  (test.app as unknown as { groups: unknown }).groups = {
    modelsOf: async (userId: string) => groupLists.get(userId) ?? null,
  };
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_PUBLIC_URL: 'https://webox.example' });
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
});

beforeEach(async () => {
  fakes.reset();
  groupLists.clear();
  expect((await setModels({ offered: 'all', defaultModel: null })).statusCode).toBe(200);
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('GET/PUT /api/admin/models', () => {
  it('a fresh install offers every model, names no default, and lists the catalogue with prices and tiers', async () => {
    const response = await admin.get('/api/admin/models');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.offered).toBe('all');
    expect(body.defaultModel).toBeNull();
    expect(body.catalogue.length).toBeGreaterThan(20);
    expect(body.catalogue.every((entry: { offered: boolean }) => entry.offered)).toBe(true);
    expect(body.catalogue.find((entry: { id: string }) => entry.id === CHEAP)).toMatchObject({
      provider: 'openai',
      model: 'gpt-5-nano',
      name: 'GPT-5 nano',
      tier: 'economy',
      providerName: 'OpenAI',
      inputMicrousdPerMtok: 50_000,
      outputMicrousdPerMtok: 400_000,
      description: { en: expect.any(String), fr: expect.any(String) },
    });
    expect(body.catalogue.find((entry: { id: string }) => entry.id === 'anthropic/claude-opus-4-1').tier).toBe(
      'premium',
    );
    expect(body.catalogue.find((entry: { id: string }) => entry.id === 'openai/gpt-5-mini').tier).toBe('standard');
  });

  it('takes any subset, keeps the rest and answers the whole object', async () => {
    const offered = await setModels({ offered: [CHEAP, MINI, MINI] });
    expect(offered.statusCode).toBe(200);
    expect(offered.json()).toMatchObject({ offered: [CHEAP, MINI], defaultModel: null });
    const chosen = await setModels({ defaultModel: MINI });
    expect(chosen.json()).toMatchObject({ offered: [CHEAP, MINI], defaultModel: MINI });
    const catalogue = chosen.json().catalogue as { id: string; offered: boolean }[];
    expect(catalogue.filter((entry) => entry.offered).map((entry) => entry.id)).toEqual([CHEAP, MINI]);
    expect((await admin.get('/api/admin/models')).json()).toMatchObject({ offered: [CHEAP, MINI], defaultModel: MINI });
    // A new offer that leaves the kept default out drops it.
    expect((await setModels({ offered: [CHEAP] })).json()).toMatchObject({ offered: [CHEAP], defaultModel: null });
  });

  it('refuses unknown models and a default that is not offered with 400 naming the field, storing nothing', async () => {
    await setModels({ offered: [CHEAP] });
    const unknown = await setModels({ offered: [CHEAP, 'openai/gpt-9000'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'invalid_request', param: 'offered' });
    expect(unknown.json().error.message).toContain('openai/gpt-9000');
    const notOffered = await setModels({ defaultModel: PRICY });
    expect(notOffered.statusCode).toBe(400);
    expect(notOffered.json().error).toMatchObject({ code: 'invalid_request', param: 'defaultModel' });
    const malformed = await setModels({ offered: ['no slash\u0000'] });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('invalid_request');
    expect((await setModels({ offered: 'some' })).statusCode).toBe(400);
    expect((await setModels({ extra: true })).statusCode).toBe(400);
    expect((await admin.get('/api/admin/models')).json()).toMatchObject({ offered: [CHEAP], defaultModel: null });
  });

  it('answers only admins: 403 forbidden for a user, 401 without a session', async () => {
    const user = await member(test);
    expect((await user.client.get('/api/admin/models')).statusCode).toBe(403);
    const put = await user.client.put('/api/admin/models', { offered: [CHEAP] });
    expect(put.statusCode).toBe(403);
    expect(put.json().error.code).toBe('forbidden');
    expect((await test.app.inject({ method: 'GET', url: '/api/admin/models' })).statusCode).toBe(401);
    expect((await admin.get('/api/admin/models')).json().offered).toBe('all');
  });
});

describe('the offer on the global keys', () => {
  it('refuses a model outside it with 403 model_not_in_plan on /api/chat, conversations and /v1, with no upstream call', async () => {
    const user = await member(test);
    await setModels({ offered: [CHEAP] });
    const onChat = await chat(user.client, PRICY);
    expect(onChat.statusCode).toBe(403);
    expect(onChat.json().error).toEqual({
      code: 'model_not_in_plan',
      message: expect.stringContaining('not offered'),
      reason: 'model_not_in_plan',
      restrictedBy: 'offer',
      subscribeUrl: 'https://webox.example/profile#billing',
    });
    const conversation = (
      await user.client.post('/api/conversations', { provider: 'openai', model: 'gpt-4.1' })
    ).json();
    const turn = await user.client.post(`/api/conversations/${conversation.id}/messages`, { content: 'Hi' });
    expect(turn.statusCode).toBe(403);
    expect(turn.json().error.code).toBe('model_not_in_plan');
    const onV1 = await completion(user, PRICY);
    expect(onV1.statusCode).toBe(403);
    expect(onV1.json().error).toMatchObject({ code: 'model_not_in_plan', type: 'permission_error' });
    // A model outside the catalogue is outside a list too.
    expect((await completion(user, 'openai/gpt-4o-2024-08-06')).statusCode).toBe(403);
    expect(upstreamCalls()).toHaveLength(0);
    expect((await chat(user.client, CHEAP)).statusCode).toBe(200);
    expect((await completion(user, CHEAP)).statusCode).toBe(200);
    expect(upstreamCalls()).toHaveLength(2);
  });

  it('binds admins too on the global keys', async () => {
    await setModels({ offered: [CHEAP] });
    expect((await chat(admin, PRICY)).statusCode).toBe(403);
    expect((await chat(admin, CHEAP)).statusCode).toBe(200);
  });

  it('never binds a personal key', async () => {
    const user = await member(test, { personalKey: 'openai' });
    await setModels({ offered: [CHEAP] });
    expect((await chat(user.client, PRICY)).statusCode).toBe(200);
    expect((await completion(user, PRICY)).statusCode).toBe(200);
    // Uncatalogued ids pass on a personal key, as before.
    expect((await completion(user, 'openai/gpt-4o-2024-08-06')).statusCode).toBe(200);
    expect(await v1Models(user)).toContain(PRICY);
    expect((await pickerModels(user.client)).ids).toContain(PRICY);
  });

  it('/v1/models and GET /api/providers list only what it offers on the global key', async () => {
    const user = await member(test);
    expect(await v1Models(user)).toContain(PRICY);
    await setModels({ offered: [CHEAP, MINI, 'anthropic/claude-haiku-4-5'] });
    // No Anthropic key at all: nothing of it on /v1/models.
    expect(await v1Models(user)).toEqual([CHEAP, MINI]);
    const picker = await pickerModels(user.client);
    expect(picker.ids).toEqual([CHEAP, MINI, 'anthropic/claude-haiku-4-5']);
    // Every provider is still there (the profile shows their key hints).
    const providers = (await user.client.get('/api/providers')).json().providers as { id: string; models: unknown[] }[];
    expect(providers.map((provider) => provider.id)).toEqual(['openai', 'anthropic', 'google', 'mistral', 'groq']);
    const nano = (providers[0]?.models ?? [])[0];
    expect(nano).toEqual({
      id: 'gpt-5-nano',
      name: 'GPT-5 nano',
      tier: 'economy',
      description: { en: expect.any(String), fr: expect.any(String) },
    });
  });

  it("starts new chats on the admin's default model, else on the cheapest offered one", async () => {
    const user = await member(test);
    expect((await pickerModels(user.client)).defaultModel).toBe(CHEAP);
    await setModels({ offered: [MINI, PRICY], defaultModel: PRICY });
    expect((await pickerModels(user.client)).defaultModel).toBe(PRICY);
    await setModels({ defaultModel: null });
    expect((await pickerModels(user.client)).defaultModel).toBe(MINI);
  });
});

describe('with a plan and a group', () => {
  const createPlan = (models: string[] | null) =>
    admin.post('/api/admin/plans', { name: 'Class', prices: { month: null, year: null }, models });

  it('a user may use the offer ∩ the plan ∩ the group, and each refusal says which list left the model out', async () => {
    standInGroups();
    const user = await member(test);
    await setModels({ offered: [CHEAP, MINI, PRICY, 'openai/gpt-4o'] });
    const plan = (await createPlan([CHEAP, MINI, PRICY])).json();
    await admin.put(`/api/admin/users/${user.id}/plan`, { planId: plan.id });
    groupLists.set(user.id, [CHEAP, MINI, 'openai/o4-mini']);

    expect(await v1Models(user)).toEqual([CHEAP, MINI]);
    // The chat's catalogue leaves the plan to its marks: the offer ∩ the group.
    expect((await pickerModels(user.client)).ids).toEqual([CHEAP, MINI]);
    const byGroup = await chat(user.client, PRICY);
    expect(byGroup.statusCode).toBe(403);
    expect(byGroup.json().error).toMatchObject({ code: 'model_not_in_plan', restrictedBy: 'group' });
    expect(byGroup.json().error.message).toContain('group');
    const byOffer = await chat(user.client, 'openai/o4-mini');
    expect(byOffer.json().error).toMatchObject({ code: 'model_not_in_plan', restrictedBy: 'offer' });

    groupLists.set(user.id, null);
    expect((await v1Models(user)).sort()).toEqual([CHEAP, MINI, PRICY].sort());
    expect((await pickerModels(user.client)).ids.sort()).toEqual([CHEAP, MINI, PRICY, 'openai/gpt-4o'].sort());
    const byPlan = await completion(user, 'openai/gpt-4o');
    expect(byPlan.statusCode).toBe(403);
    expect(byPlan.json().error.message).toContain('plan');
    expect(upstreamCalls()).toHaveLength(0);
    expect((await completion(user, PRICY)).statusCode).toBe(200);
    // Its default never lands on a model it may not run.
    await setModels({ defaultModel: 'openai/gpt-4o' });
    expect((await pickerModels(user.client)).defaultModel).toBe(CHEAP);
  });

  it('a group binds an admin too, a plan never does', async () => {
    standInGroups();
    const plan = (await createPlan([CHEAP])).json();
    const adminId = (await admin.get('/api/me')).json().id as string;
    await admin.put(`/api/admin/users/${adminId}/plan`, { planId: plan.id });
    expect((await chat(admin, PRICY)).statusCode).toBe(200);
    groupLists.set(adminId, [CHEAP]);
    expect((await chat(admin, PRICY)).json().error).toMatchObject({ restrictedBy: 'group' });
    await admin.put(`/api/admin/users/${adminId}/plan`, { planId: null });
  });
});

describe('the cache', () => {
  it('reads no settings row per call once warm, and again only after a change', async () => {
    const user = await member(test);
    await setModels({ offered: [CHEAP] });
    const { store } = test.app.models;
    const read = store.read;
    let reads = 0;
    store.read = () => {
      reads += 1;
      return read();
    };
    try {
      expect((await completion(user, CHEAP)).statusCode).toBe(200);
      expect((await completion(user, PRICY)).statusCode).toBe(403);
      await v1Models(user);
      expect(reads).toBe(0);
      await setModels({ offered: [CHEAP, PRICY] });
      // Read again after the change (once, or twice on PostgreSQL when its own notice's read has
      // landed before the answer asks for a fresh one), then not per call.
      const afterChange = reads;
      expect(afterChange).toBeGreaterThanOrEqual(1);
      expect((await completion(user, PRICY)).statusCode).toBe(200);
      expect(reads).toBe(afterChange);
    } finally {
      store.read = read;
    }
  });
});
