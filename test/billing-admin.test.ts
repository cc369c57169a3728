// Billing's admin routes without Stripe, through the HTTP API: plans (created, changed, retired,
// refused a price while Stripe is off with nothing stored), the settings (a subset kept with the
// rest, each field validated) and the 403 a non-admin gets on every one of them; a user's checkout
// and portal while Stripe is off. With Stripe (the fake): billing-stripe-checkout.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { member, NO_LIMITS } from './helpers/limits.ts';

let test: TestApp;
let admin: Client;

const createPlan = (body: Record<string, unknown> = {}) =>
  admin.post('/api/admin/plans', { name: 'Pro', prices: { month: null, year: null }, ...body });

beforeAll(async () => {
  test = await createTestApp();
  admin = await signUp(test.app);
});

afterAll(async () => {
  await test?.close();
});

describe('plans', () => {
  it('are created, changed, listed and retired; GET /api/plans lists the active ones', async () => {
    const created = await createPlan({
      name: 'Starter',
      description: 'For trying',
      budgets: { ...NO_LIMITS, monthMicrousd: 5_000_000 },
      models: ['openai/gpt-4o-mini'],
    });
    expect(created.statusCode).toBe(201);
    const plan = created.json();
    expect(plan).toEqual({
      id: expect.any(String),
      name: 'Starter',
      description: 'For trying',
      active: true,
      prices: { month: null, year: null },
      budgets: { ...NO_LIMITS, monthMicrousd: 5_000_000 },
      models: ['openai/gpt-4o-mini'],
    });
    const user = await member(test);
    expect((await user.client.get('/api/plans')).json().plans).toContainEqual(plan);

    const changed = await admin.patch(`/api/admin/plans/${plan.id}`, { name: 'Starter+', models: null });
    expect(changed.json()).toMatchObject({ name: 'Starter+', models: null, description: 'For trying' });
    const retired = await admin.patch(`/api/admin/plans/${plan.id}`, { active: false });
    expect(retired.json().active).toBe(false);
    const offered = (await user.client.get('/api/plans')).json().plans.map((entry: { id: string }) => entry.id);
    expect(offered).not.toContain(plan.id);
    const all = (await admin.get('/api/admin/plans')).json().plans.map((entry: { id: string }) => entry.id);
    expect(all).toContain(plan.id);
    expect(
      (await admin.patch('/api/admin/plans/00000000-0000-4000-8000-000000000000', { active: false })).statusCode,
    ).toBe(404);
    expect((await admin.patch('/api/admin/plans/not-a-uuid', { active: false })).statusCode).toBe(404);
  });

  it('a price while Stripe is off answers 400 billing_not_configured, and nothing is stored', async () => {
    const before = (await admin.get('/api/admin/plans')).json().plans;
    const priced = await createPlan({ name: 'Priced', prices: { month: { stripePriceId: 'price_123' }, year: null } });
    expect(priced.statusCode).toBe(400);
    expect(priced.json().error.code).toBe('billing_not_configured');
    const plan = (await createPlan({ name: 'Unpriced' })).json();
    const patched = await admin.patch(`/api/admin/plans/${plan.id}`, {
      name: 'Renamed',
      prices: { month: null, year: { stripePriceId: 'price_456' } },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().error.code).toBe('billing_not_configured');
    const after = (await admin.get('/api/admin/plans')).json().plans;
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((entry: { id: string }) => entry.id === plan.id)).toMatchObject({
      name: 'Unpriced',
      prices: { month: null, year: null },
    });
  });

  it('checkout and portal answer 400 billing_not_configured while Stripe is off', async () => {
    const user = await member(test);
    const plan = (await createPlan({ name: 'Granted only' })).json();
    for (const answer of [
      await user.client.post('/api/billing/checkout', { planId: plan.id, interval: 'month' }),
      await user.client.post('/api/billing/portal'),
    ]) {
      expect(answer.statusCode).toBe(400);
      expect(answer.json().error.code).toBe('billing_not_configured');
    }
  });
});

describe('settings and who may change them', () => {
  it('PUT takes a subset and keeps the rest; validates each field; enabled is not settable', async () => {
    const initial = (await admin.get('/api/admin/billing')).json();
    expect(initial).toMatchObject({ enabled: false, graceDays: 3 });
    await admin.put('/api/admin/billing', { usdPerCurrency: { eur: 1.08 }, graceDays: 5 });
    const changed = await admin.put('/api/admin/billing', { policy: 'subscribers' });
    expect(changed.json()).toEqual({
      enabled: false,
      policy: 'subscribers',
      freeAllowance: null,
      graceDays: 5,
      usdPerCurrency: { eur: 1.08 },
    });
    for (const body of [
      { policy: 'nobody' },
      { graceDays: -1 },
      { graceDays: 1.5 },
      { usdPerCurrency: { EUR: 1.1 } },
      { usdPerCurrency: { eur: 0 } },
      { freeAllowance: { dayTokens: 5 } },
      { enabled: true },
    ]) {
      const refused = await admin.put('/api/admin/billing', body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await admin.get('/api/admin/billing')).json()).toEqual(changed.json());
  });

  it('a non-admin gets 403 on every admin billing route', async () => {
    const user = await member(test);
    const plan = (await createPlan()).json();
    const answers = await Promise.all([
      user.client.get('/api/admin/plans'),
      user.client.post('/api/admin/plans', { name: 'Mine', prices: { month: null, year: null } }),
      user.client.patch(`/api/admin/plans/${plan.id}`, { active: false }),
      user.client.get('/api/admin/billing'),
      user.client.put('/api/admin/billing', { policy: 'everyone' }),
      user.client.put(`/api/admin/users/${user.id}/plan`, { planId: plan.id }),
    ]);
    for (const answer of answers) {
      expect(answer.statusCode).toBe(403);
      expect(answer.json().error.code).toBe('forbidden');
    }
  });
});
