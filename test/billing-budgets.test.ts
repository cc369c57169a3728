// Billing's budgets, held by admission like every budget: a plan's budgets are its users' default on
// the global keys (the admin's own budget for a user still wins; personal keys are untouched), and
// the free allowance is held request by request, so 50 concurrent requests against an allowance
// covering 5 let exactly 5 through and refuse the rest with 402 subscription_required
// (no_subscription), not 429. And `webox user promote` reaches a running server at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { promoteUserByEmail } from '../src/server/users/user-service.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { globalLedger, type Member, member, NO_LIMITS, recordHolds, setLimits, v1 } from './helpers/limits.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let holds: ReturnType<typeof recordHolds>;
/** One request's held worst case and its real cost, in tokens (measured in beforeAll). */
let worstCase: number;
let realCost: number;

// Output dominates: the real cost is close to the worst case held, so a budget of five worst
// cases lets exactly five through however the ledger's writes interleave (six would cost more).
const MAX_TOKENS = 1_000;
const body = { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hello' }], max_tokens: MAX_TOKENS };
const ask = (who: Member) => v1(test, who.token, body);
const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index}`).join(' ');
const openaiCalls = () => fakes.byProvider.openai.requests.filter((request) => request.path.endsWith('/completions'));

const setPolicy = (policy: 'everyone' | 'subscribers') => admin.put('/api/admin/billing', { policy });
const setAllowance = (freeAllowance: Record<string, number | null> | null) =>
  admin.put('/api/admin/billing', { freeAllowance });
const setDefault = (global: Record<string, number | null>) =>
  admin.put('/api/admin/limits/default', { global, personal: NO_LIMITS });
async function grantedPlan(user: Member, budgets: Record<string, number | null>) {
  const plan = await admin.post('/api/admin/plans', { name: 'Pro', prices: { month: null, year: null }, budgets });
  expect(plan.statusCode).toBe(201);
  expect((await admin.put(`/api/admin/users/${user.id}/plan`, { planId: plan.json().id })).statusCode).toBe(200);
}
const globalLine = async (who: Member, unit = 'tokens') =>
  (await who.client.get('/api/limits'))
    .json()
    .budgets.find((line: { source: string; unit: string }) => line.source === 'global' && line.unit === unit);

/** Sends `count` requests at once; the answers by status. */
async function burst(who: Member, count: number) {
  const answers = await Promise.all(Array.from({ length: count }, () => ask(who)));
  const by = (status: number) => answers.filter((answer) => answer.statusCode === status);
  return { answers, passed: by(200), refusedWith: by };
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  holds = recordHolds(test);
  // A probe with a budget of its own: what such a request holds and what it really costs.
  const probe = await member(test);
  await setLimits(admin, probe.id, { global: { ...NO_LIMITS, monthTokens: 1_000_000 } });
  fakes.byProvider.openai.setReply(words(2 * MAX_TOKENS));
  const answer = await ask(probe);
  const held = holds.at(-1);
  if (answer.statusCode !== 200 || !held) throw new Error(`the probe failed: ${answer.body}`);
  worstCase = held.inputTokens + held.outputTokens;
  realCost = answer.json().usage.total_tokens;
});

beforeEach(async () => {
  fakes.reset();
  fakes.byProvider.openai.setReply(words(2 * MAX_TOKENS));
  await setPolicy('everyone');
  await setAllowance(null);
  await setDefault(NO_LIMITS);
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe("a plan's budgets", () => {
  it('measures what the exactness tests rely on', () => {
    expect(realCost).toBeLessThanOrEqual(worstCase);
    expect(6 * realCost).toBeGreaterThan(5 * worstCase);
  });

  it("are a granted user's default on the global keys, in place of the default budget, and held exactly", async () => {
    const user = await member(test);
    // The default alone would refuse every request.
    await setDefault({ ...NO_LIMITS, monthTokens: 10 });
    await grantedPlan(user, { ...NO_LIMITS, monthTokens: 5 * worstCase });
    expect(await globalLine(user)).toMatchObject({ period: 'month', limit: 5 * worstCase, spent: 0 });
    // The admin's views say the same.
    const listed = (await admin.get('/api/admin/limits'))
      .json()
      .users.find((entry: { userId: string }) => entry.userId === user.id);
    expect(listed.effective.global).toEqual({ ...NO_LIMITS, monthTokens: 5 * worstCase });
    expect((await admin.get(`/api/admin/users/${user.id}/limits`)).json().budgets).toMatchObject([
      { source: 'global', period: 'month', limit: 5 * worstCase },
    ]);

    const { answers, passed, refusedWith } = await burst(user, 50);
    expect(passed).toHaveLength(5);
    expect(refusedWith(429)).toHaveLength(45);
    for (const answer of refusedWith(429)) expect(answer.json().error.code).toBe('quota_exceeded');
    expect(answers).toHaveLength(50);
    expect(openaiCalls()).toHaveLength(5);
    const charged = await globalLedger(test, user.id);
    expect(charged.tokens).toBe(5 * realCost);
    expect(await globalLine(user)).toMatchObject({ limit: 5 * worstCase, spent: 5 * realCost, held: 0 });
  });

  it("give way to the admin's own budget for the user, and come back when it is removed", async () => {
    const user = await member(test);
    await grantedPlan(user, { ...NO_LIMITS, monthTokens: 100 * worstCase });
    await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens: 10 } });
    const refused = await ask(user);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('quota_exceeded');
    expect(await globalLine(user)).toMatchObject({ period: 'day', limit: 10 });
    // An override with no limit at all is the admin's word too: no budget.
    await setLimits(admin, user.id, { global: NO_LIMITS });
    expect(await globalLine(user)).toBeUndefined();
    await setLimits(admin, user.id, {});
    expect(await globalLine(user)).toMatchObject({ period: 'month', limit: 100 * worstCase });
    expect((await ask(user)).statusCode).toBe(200);
  });

  it('a plan that sets no budget leaves the default in force', async () => {
    const user = await member(test);
    await setDefault({ ...NO_LIMITS, dayTokens: 10 });
    await grantedPlan(user, NO_LIMITS);
    expect((await ask(user)).json().error.code).toBe('quota_exceeded');
    expect(await globalLine(user)).toMatchObject({ period: 'day', limit: 10 });
  });

  it('never limit a personal key', async () => {
    const user = await member(test, { personalKey: 'openai' });
    await grantedPlan(user, { ...NO_LIMITS, dayTokens: 1 });
    expect((await ask(user)).statusCode).toBe(200);
    expect(openaiCalls()).toHaveLength(1);
    const lines = (await user.client.get('/api/limits')).json().budgets;
    expect(lines.filter((line: { source: string }) => line.source === 'personal')).toEqual([]);
  });
});

describe('the free allowance', () => {
  it('is held like a budget: 50 concurrent requests against an allowance covering 5 let exactly 5 through, the rest 402', async () => {
    const user = await member(test);
    await setPolicy('subscribers');
    await setAllowance({ ...NO_LIMITS, monthTokens: 5 * worstCase });
    expect(await globalLine(user)).toMatchObject({ limit: 5 * worstCase, spent: 0 });

    const { passed, refusedWith } = await burst(user, 50);
    expect(passed).toHaveLength(5);
    expect(refusedWith(402)).toHaveLength(45);
    for (const answer of refusedWith(402)) {
      expect(answer.json().error).toMatchObject({ code: 'subscription_required', reason: 'no_subscription' });
    }
    expect(openaiCalls()).toHaveLength(5);
    expect((await globalLedger(test, user.id)).tokens).toBe(5 * realCost);
    // Room is left (the real cost was under the worst case): the allowance still opens the keys.
    expect((await user.client.get('/api/billing')).json().globalAccess).toEqual({
      allowed: true,
      reason: 'free_allowance',
    });
  });

  it('once spent, answers 402 subscription_required with reason no_subscription, and says so', async () => {
    const user = await member(test);
    await setPolicy('subscribers');
    await setAllowance({ ...NO_LIMITS, monthTokens: worstCase });
    expect((await ask(user)).statusCode).toBe(200);
    await test.app.metering.ledger.flush();
    // What is left cannot hold another such request.
    const tooBig = await ask(user);
    expect(tooBig.statusCode).toBe(402);
    expect(tooBig.json().error).toMatchObject({ code: 'subscription_required', reason: 'no_subscription' });
    // The admin lowers it below what was spent: spent, whatever the request.
    await setAllowance({ ...NO_LIMITS, monthTokens: realCost });
    expect((await user.client.get('/api/billing')).json().globalAccess).toEqual({
      allowed: false,
      reason: 'no_subscription',
    });
    const refused = await ask(user);
    expect(refused.statusCode).toBe(402);
    expect(refused.json().error.reason).toBe('no_subscription');
    expect(openaiCalls()).toHaveLength(1);
  });

  it("is held together with the user's budget: the tighter one refuses, in its own words", async () => {
    const user = await member(test);
    await setPolicy('subscribers');
    await setAllowance({ ...NO_LIMITS, monthTokens: 100 * worstCase });
    await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens: 10 } });
    const refused = await ask(user);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('quota_exceeded');
    expect(await globalLine(user)).toMatchObject({ period: 'day', limit: 10 });
  });

  it('applies neither to a granted user nor to a personal key', async () => {
    const granted = await member(test);
    const owner = await member(test, { personalKey: 'openai' });
    await setPolicy('subscribers');
    await setAllowance({ ...NO_LIMITS, monthTokens: 1 });
    await grantedPlan(granted, NO_LIMITS);
    expect((await ask(granted)).statusCode).toBe(200);
    expect((await ask(owner)).statusCode).toBe(200);
    expect(await globalLine(granted)).toBeUndefined();
  });
});

describe('webox user promote', () => {
  it('is heard by the running server at once: the new admin passes the policy on the next request', async () => {
    const user = await member(test);
    await setPolicy('subscribers');
    expect((await ask(user)).statusCode).toBe(402);
    expect(await promoteUserByEmail(test.app.database.db, test.app.bus, user.client.email, test.app.audit)).toBe(true);
    expect((await ask(user)).statusCode).toBe(200);
    expect((await user.client.get('/api/billing')).json().globalAccess).toEqual({ allowed: true, reason: null });
  });
});
