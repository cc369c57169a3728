// Billing without Stripe, through the HTTP API: the gate on the global keys (402
// subscription_required on /api/chat and, in OpenAI's shape, on /v1; 403 model_not_in_plan), which
// never refuses a personal key or an admin; plans granted by hand, the free allowance, /v1/models,
// and the cache that keeps the gate off the database. The admin routes: billing-admin.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import type { Client } from './helpers/client.ts';
import { signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { type Member, member, NO_LIMITS, v1 } from './helpers/limits.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let subscribeUrl: string;

const MODEL = 'gpt-4.1';
const chat = (client: Client, model = MODEL) =>
  client.post('/api/chat', {
    provider: 'openai',
    model,
    messages: [{ role: 'user', content: 'Hello' }],
    stream: false,
  });
const completion = (who: Member, model = `openai/${MODEL}`) =>
  v1(test, who.token, { model, messages: [{ role: 'user', content: 'Hello' }] });
const openaiCalls = () => fakes.byProvider.openai.requests.filter((request) => request.path.endsWith('/completions'));

const setPolicy = (policy: 'everyone' | 'subscribers') => admin.put('/api/admin/billing', { policy });
const createPlan = (body: Record<string, unknown> = {}) =>
  admin.post('/api/admin/plans', { name: 'Pro', prices: { month: null, year: null }, ...body });
const grant = (userId: string, body: Record<string, unknown>) => admin.put(`/api/admin/users/${userId}/plan`, body);

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_PUBLIC_URL: 'https://webox.example' });
  subscribeUrl = 'https://webox.example/profile#billing';
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
});

beforeEach(async () => {
  fakes.reset();
  await setPolicy('everyone');
  await admin.put('/api/admin/billing', { freeAllowance: null });
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('the policy on the global keys', () => {
  it('everyone (the default) lets every user in, and says so', async () => {
    const user = await member(test);
    expect((await chat(user.client)).statusCode).toBe(200);
    expect((await completion(user)).statusCode).toBe(200);
    expect((await user.client.get('/api/billing')).json()).toEqual({
      enabled: false,
      policy: 'everyone',
      plan: null,
      status: 'none',
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
      grantedUntil: null,
      globalAccess: { allowed: true, reason: null },
    });
  });

  it('subscribers refuses a plain user with 402 on /api/chat and on /v1 (OpenAI shape), before the provider', async () => {
    const user = await member(test);
    await setPolicy('subscribers');
    const onChat = await chat(user.client);
    expect(onChat.statusCode).toBe(402);
    expect(onChat.json().error).toEqual({
      code: 'subscription_required',
      message: expect.stringContaining('subscription'),
      reason: 'no_subscription',
      subscribeUrl,
    });
    const onV1 = await completion(user);
    expect(onV1.statusCode).toBe(402);
    expect(onV1.json().error).toEqual({
      code: 'subscription_required',
      type: 'invalid_request_error',
      message: expect.any(String),
      param: null,
      reason: 'no_subscription',
      subscribeUrl,
    });
    expect(openaiCalls()).toHaveLength(0);
    expect((await user.client.get('/api/billing')).json().globalAccess).toEqual({
      allowed: false,
      reason: 'no_subscription',
    });
  });

  it('subscribers never refuses a personal key or an admin', async () => {
    const user = await member(test, { personalKey: 'openai' });
    await setPolicy('subscribers');
    expect((await chat(user.client)).statusCode).toBe(200);
    expect((await completion(user)).statusCode).toBe(200);
    expect((await chat(admin)).statusCode).toBe(200);
    expect((await admin.get('/api/billing')).json().globalAccess).toEqual({ allowed: true, reason: null });
  });

  it('a user made admin is let in at once, and refused again once demoted', async () => {
    const user = await member(test);
    await setPolicy('subscribers');
    expect((await chat(user.client)).statusCode).toBe(402);
    expect((await admin.patch(`/api/admin/users/${user.id}`, { role: 'admin' })).statusCode).toBe(200);
    expect((await chat(user.client)).statusCode).toBe(200);
    expect((await admin.patch(`/api/admin/users/${user.id}`, { role: 'user' })).statusCode).toBe(200);
    expect((await chat(user.client)).statusCode).toBe(402);
  });

  // The allowance is held like a budget (its exactness and its end: billing-budgets.test.ts).
  it('the free allowance lets a user in while it has room, but not a request it cannot hold: 402 no_subscription', async () => {
    const user = await member(test);
    await setPolicy('subscribers');
    await admin.put('/api/admin/billing', { freeAllowance: { ...NO_LIMITS, monthTokens: 1_000_000 } });
    expect((await user.client.get('/api/billing')).json().globalAccess).toEqual({
      allowed: true,
      reason: 'free_allowance',
    });
    expect((await completion(user)).statusCode).toBe(200);
    await admin.put('/api/admin/billing', { freeAllowance: { ...NO_LIMITS, monthTokens: 1_000 } });
    // Room is left, but less than the request's worst case (its prompt and 8,192 tokens of output).
    expect((await user.client.get('/api/billing')).json().globalAccess.reason).toBe('free_allowance');
    const refused = await completion(user);
    expect(refused.statusCode).toBe(402);
    expect(refused.json().error).toMatchObject({
      code: 'subscription_required',
      reason: 'no_subscription',
      subscribeUrl,
    });
    expect(openaiCalls()).toHaveLength(1);
  });
});

describe('plans granted by hand', () => {
  it('a granted user is let in, shows the plan as granted, and is refused again once the grant is removed', async () => {
    const plan = (await createPlan({ name: 'Team' })).json();
    const user = await member(test);
    await setPolicy('subscribers');
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const granted = await grant(user.id, { planId: plan.id, until });
    expect(granted.statusCode).toBe(200);
    expect(granted.json()).toMatchObject({
      plan: { id: plan.id, name: 'Team' },
      status: 'granted',
      grantedUntil: until,
      globalAccess: { allowed: true, reason: null },
    });
    expect((await user.client.get('/api/billing')).json().status).toBe('granted');
    expect((await chat(user.client)).statusCode).toBe(200);
    expect((await completion(user)).statusCode).toBe(200);

    const removed = await grant(user.id, { planId: null });
    expect(removed.json()).toMatchObject({ plan: null, status: 'none', grantedUntil: null });
    expect((await chat(user.client)).statusCode).toBe(402);
  });

  it('refuses a grant ending in the past, an unknown user and an unknown or retired plan', async () => {
    const plan = (await createPlan()).json();
    const user = await member(test);
    const past = await grant(user.id, { planId: plan.id, until: new Date(Date.now() - 1000).toISOString() });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe('invalid_request');
    expect((await user.client.get('/api/billing')).json().status).toBe('none');
    expect((await grant('no-such-user', { planId: plan.id })).statusCode).toBe(404);
    expect((await grant(user.id, { planId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    await admin.patch(`/api/admin/plans/${plan.id}`, { active: false });
    expect((await grant(user.id, { planId: plan.id })).statusCode).toBe(404);
  });

  it('a grant that has expired is refused at use', async () => {
    const plan = (await createPlan()).json();
    const user = await member(test);
    await setPolicy('subscribers');
    const until = new Date(Date.now() + 1500);
    expect((await grant(user.id, { planId: plan.id, until: until.toISOString() })).statusCode).toBe(200);
    expect((await chat(user.client)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, until.getTime() - Date.now() + 50));
    expect((await chat(user.client)).statusCode).toBe(402);
    expect((await user.client.get('/api/billing')).json()).toMatchObject({ status: 'none', plan: null });
  });

  it('a plan listing models refuses the others with 403 model_not_in_plan, on the global keys only', async () => {
    const plan = (await createPlan({ models: [`openai/${MODEL}`] })).json();
    const user = await member(test);
    await grant(user.id, { planId: plan.id });
    expect((await completion(user)).statusCode).toBe(200);
    const onV1 = await completion(user, 'openai/gpt-4o-mini');
    expect(onV1.statusCode).toBe(403);
    expect(onV1.json().error).toMatchObject({
      code: 'model_not_in_plan',
      type: 'permission_error',
      subscribeUrl,
    });
    const onChat = await chat(user.client, 'gpt-4o-mini');
    expect(onChat.statusCode).toBe(403);
    expect(onChat.json().error).toMatchObject({ code: 'model_not_in_plan', subscribeUrl });
    // Their own key is their own bill.
    await user.client.put('/api/keys/openai', { apiKey: makeKey.openai() });
    expect((await completion(user, 'openai/gpt-4o-mini')).statusCode).toBe(200);
  });
});

describe('/v1/models', () => {
  const listed = async (who: Member) =>
    (await test.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${who.token}` } }))
      .json()
      .data.map((model: { id: string }) => model.id) as string[];

  it("lists the global keys' models only when the caller may use them, and only the plan's when it lists some", async () => {
    const user = await member(test);
    const everything = await listed(user);
    expect(everything).toContain(`openai/${MODEL}`);
    expect(everything).toContain('openai/gpt-4o-mini');
    await setPolicy('subscribers');
    expect(await listed(user)).toEqual([]);
    const plan = (await createPlan({ models: [`openai/${MODEL}`] })).json();
    await grant(user.id, { planId: plan.id });
    expect(await listed(user)).toEqual([`openai/${MODEL}`]);
    // A personal key lists its provider's models whatever the plan says.
    await user.client.put('/api/keys/openai', { apiKey: makeKey.openai() });
    expect(await listed(user)).toEqual(everything);
  });
});

describe('the cache', () => {
  it('reads no billing table and no account per call once warm, and again only after a change', async () => {
    const plan = (await createPlan()).json();
    const user = await member(test);
    await setPolicy('subscribers');
    await grant(user.id, { planId: plan.id });
    const { store } = test.app.billing;
    const users = test.app.users;
    const reads: string[] = [];
    const grantRead = store.grant;
    const isAdmin = users.isAdmin;
    store.grant = (id) => {
      reads.push('grant');
      return grantRead(id);
    };
    users.isAdmin = (id) => {
      reads.push('role');
      return isAdmin(id);
    };
    try {
      expect((await completion(user)).statusCode).toBe(200);
      reads.length = 0;
      for (let call = 0; call < 3; call++) expect((await completion(user)).statusCode).toBe(200);
      expect(reads).toEqual([]);
      await grant(user.id, { planId: null });
      expect((await completion(user)).statusCode).toBe(402);
      expect((await completion(user)).statusCode).toBe(402);
      expect(reads.sort()).toEqual(['grant', 'role']);
    } finally {
      store.grant = grantRead;
      users.isAdmin = isAdmin;
    }
  });
});
