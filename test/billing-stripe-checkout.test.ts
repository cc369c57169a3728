// Billing with Stripe (the fake, through the real SDK): plan prices read from Stripe (amount and
// currency as Stripe has them; a price a slot cannot take refused naming the field, nothing
// stored), Checkout (one customer per user even when two requests race, the idempotency keys,
// 404/409 refusals), the Customer Portal, and Stripe failing or unreachable as a 502 that says
// what failed and never carries the key. Stripe off: billing-admin.test.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingCustomer, subscription } from '../src/server/db/schema/billing.ts';
import type { FakeStripe, StripeObject } from './fakes/stripe.ts';
import { startFakeStripe } from './fakes/stripe.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { member } from './helpers/limits.ts';

const PUBLIC_URL = 'https://webox.example';

let stripe: FakeStripe;
let test: TestApp;
let admin: Client;
let monthly: StripeObject;
let yearly: StripeObject;
let planId: string;

const createPlan = (prices: Record<string, unknown>, name = 'Pro') => admin.post('/api/admin/plans', { name, prices });
const slot = (price: StripeObject | string) => ({ stripePriceId: typeof price === 'string' ? price : price.id });
const stripeCalls = (method: string, path: string) =>
  stripe.requests.filter((request) => request.method === method && request.path === path);
const checkout = (client: Client, body: Record<string, unknown> = { planId, interval: 'month' }) =>
  client.post('/api/billing/checkout', body);

beforeAll(async () => {
  stripe = await startFakeStripe();
  test = await createTestApp({ ...stripe.env, WEBOX_PUBLIC_URL: PUBLIC_URL });
  admin = await signUp(test.app);
  monthly = stripe.addPrice({ interval: 'month', unitAmount: 900, currency: 'eur' });
  yearly = stripe.addPrice({ interval: 'year', unitAmount: 9000, currency: 'eur' });
  planId = (await createPlan({ month: slot(monthly), year: slot(yearly) })).json().id;
});

afterAll(async () => {
  await test?.close();
  await stripe?.close();
});

describe('plan prices read from Stripe', () => {
  it('stores the amount and currency Stripe has for each slot', async () => {
    const created = await createPlan({ month: slot(monthly), year: null }, 'Monthly only');
    expect(created.statusCode).toBe(201);
    expect(created.json().prices).toEqual({
      month: { stripePriceId: monthly.id, amount: 900, currency: 'eur' },
      year: null,
    });
    expect(stripeCalls('GET', `/v1/prices/${monthly.id}`).length).toBeGreaterThan(0);
    const listed = (await admin.get('/api/admin/plans')).json().plans;
    expect(listed.find((plan: { id: string }) => plan.id === planId).prices).toEqual({
      month: { stripePriceId: monthly.id, amount: 900, currency: 'eur' },
      year: { stripePriceId: yearly.id, amount: 9000, currency: 'eur' },
    });
  });

  it('refuses a price its slot cannot take, naming the field, and stores nothing', async () => {
    const oneTime = stripe.addPrice({ interval: null, unitAmount: 500, currency: 'eur' });
    const archived = stripe.addPrice({ interval: 'month', unitAmount: 500, currency: 'eur', active: false });
    const before = (await admin.get('/api/admin/plans')).json().plans;
    const cases = [
      { prices: { month: slot(yearly), year: null }, param: 'prices.month.stripePriceId', says: 'every year' },
      { prices: { month: null, year: slot(monthly) }, param: 'prices.year.stripePriceId', says: 'every month' },
      { prices: { month: slot('price_doesnotexist'), year: null }, param: 'prices.month.stripePriceId', says: 'exist' },
      { prices: { month: slot(oneTime), year: null }, param: 'prices.month.stripePriceId', says: 'one-time' },
      { prices: { month: slot(archived), year: null }, param: 'prices.month.stripePriceId', says: 'inactive' },
    ];
    for (const { prices, param, says } of cases) {
      const refused = await createPlan(prices, 'Refused');
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({ code: 'invalid_request', param });
      expect(refused.json().error.message).toContain(says);
    }
    // A PATCH refused keeps the plan as it was, its other fields included.
    const patched = await admin.patch(`/api/admin/plans/${planId}`, {
      name: 'Renamed',
      prices: { month: slot(monthly), year: slot(monthly) },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().error.param).toBe('prices.year.stripePriceId');
    expect((await admin.get('/api/admin/plans')).json().plans).toEqual(before);
  });

  it('checks the shape of a price id before asking Stripe', async () => {
    const asked = stripe.requests.length;
    for (const id of ['prod_123', 'price_', 'price_a/../b', `price_${'a'.repeat(300)}`]) {
      expect((await createPlan({ month: slot(id), year: null })).statusCode).toBe(400);
    }
    expect(stripe.requests.length).toBe(asked);
  });

  it('a PATCH with new prices reads them again and replaces both slots', async () => {
    const dearer = stripe.addPrice({ interval: 'month', unitAmount: 1500, currency: 'usd' });
    const plan = (await createPlan({ month: slot(monthly), year: slot(yearly) }, 'Repriced')).json();
    const patched = await admin.patch(`/api/admin/plans/${plan.id}`, { prices: { month: slot(dearer), year: null } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().prices).toEqual({
      month: { stripePriceId: dearer.id, amount: 1500, currency: 'usd' },
      year: null,
    });
  });
});

describe('checkout', () => {
  it('creates one customer across two concurrent calls, then reuses it', async () => {
    const user = await member(test);
    const customersBefore = stripeCalls('POST', '/v1/customers').length;
    const sessionsBefore = stripeCalls('POST', '/v1/checkout/sessions').length;
    const [first, second] = await Promise.all([checkout(user.client), checkout(user.client)]);
    expect([first?.statusCode, second?.statusCode]).toEqual([200, 200]);
    expect(first?.json().url.startsWith(`${stripe.origin}/checkout/`)).toBe(true);

    const rows = await test.app.database.db.select().from(billingCustomer).where(eq(billingCustomer.userId, user.id));
    expect(rows).toHaveLength(1);
    const customerId = rows[0]?.stripeCustomerId ?? '';
    expect(stripe.customer(customerId)?.metadata).toEqual({ webox_user_id: user.id });
    expect(stripe.customer(customerId)?.email).toBe(user.client.email);
    const customerCalls = stripeCalls('POST', '/v1/customers').slice(customersBefore);
    // Whether the race reached Stripe once or twice, it sent one key and got one customer.
    expect(new Set(customerCalls.map((call) => call.idempotencyKey)).size).toBe(1);
    expect(customerCalls[0]?.idempotencyKey).toContain(user.id);

    const third = await checkout(user.client, { planId, interval: 'year' });
    expect(third.statusCode).toBe(200);
    expect(stripeCalls('POST', '/v1/customers').slice(customersBefore)).toHaveLength(customerCalls.length);

    const sessions = stripeCalls('POST', '/v1/checkout/sessions').slice(sessionsBefore);
    expect(sessions).toHaveLength(3);
    expect(new Set(sessions.map((call) => call.idempotencyKey)).size).toBe(3);
    expect(sessions.every((call) => call.idempotencyKey?.includes(user.id))).toBe(true);
    expect(sessions[2]?.params).toMatchObject({
      mode: 'subscription',
      customer: customerId,
      client_reference_id: user.id,
      line_items: [{ price: yearly.id, quantity: '1' }],
      metadata: { webox_user_id: user.id, webox_plan_id: planId },
      subscription_data: { metadata: { webox_user_id: user.id, webox_plan_id: planId } },
      success_url: `${PUBLIC_URL}/profile?checkout=success#billing`,
      cancel_url: `${PUBLIC_URL}/profile?checkout=cancel#billing`,
    });
  });

  it('a retired or unknown plan, or one without the price, answers 404 and calls no Stripe', async () => {
    const user = await member(test);
    const monthOnly = (await createPlan({ month: slot(monthly), year: null }, 'Month only')).json().id;
    const retired = (await createPlan({ month: slot(monthly), year: null }, 'Retired')).json().id;
    await admin.patch(`/api/admin/plans/${retired}`, { active: false });
    const asked = stripe.requests.length;
    for (const body of [
      { planId: '00000000-0000-4000-8000-000000000000', interval: 'month' },
      { planId: 'not-a-uuid', interval: 'month' },
      { planId: retired, interval: 'month' },
      { planId: monthOnly, interval: 'year' },
    ]) {
      const refused = await checkout(user.client, body);
      expect(refused.statusCode).toBe(404);
      expect(refused.json().error.code).toBe('not_found');
    }
    expect((await checkout(user.client, { planId, interval: 'week' })).statusCode).toBe(400);
    expect(stripe.requests.length).toBe(asked);
  });

  it('answers 409 already_subscribed while a subscription is active, trialing or past due', async () => {
    const user = await member(test);
    const { db } = test.app.database;
    const row = { userId: user.id, stripeCustomerId: 'cus_row', sourceCreated: 1 };
    await db.insert(subscription).values({ ...row, id: `sub_old_${user.id}`, status: 'canceled' });
    expect((await checkout(user.client)).statusCode).toBe(200);
    for (const status of ['active', 'trialing', 'past_due']) {
      await db.insert(subscription).values({ ...row, id: `sub_${status}_${user.id}`, status });
      const refused = await checkout(user.client);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('already_subscribed');
      await db.delete(subscription).where(eq(subscription.id, `sub_${status}_${user.id}`));
    }
  });

  it('a Stripe failure answers 502 provider_error saying what failed, without the key', async () => {
    const user = await member(test);
    // The SDK retries twice with the same key: three failures exhaust it.
    stripe.failNext('/v1/checkout/sessions', 3);
    const failed = await checkout(user.client);
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error).toMatchObject({ code: 'provider_error', provider: 'stripe' });
    expect(failed.json().error.message).toContain('checkout');
    const keys = stripeCalls('POST', '/v1/checkout/sessions')
      .slice(-3)
      .map((call) => call.idempotencyKey);
    expect(new Set(keys).size).toBe(1);
    expect(failed.body).not.toContain(stripe.secretKey);
    expect((await checkout(user.client)).statusCode).toBe(200);
  });
});

describe('portal', () => {
  it('answers 409 no_customer before any checkout, then a Portal URL back to the profile', async () => {
    const user = await member(test);
    const before = await user.client.post('/api/billing/portal');
    expect(before.statusCode).toBe(409);
    expect(before.json().error.code).toBe('no_customer');
    await checkout(user.client);
    const portal = await user.client.post('/api/billing/portal');
    expect(portal.statusCode).toBe(200);
    expect(portal.json().url.startsWith(`${stripe.origin}/portal/`)).toBe(true);
    const call = stripeCalls('POST', '/v1/billing_portal/sessions').at(-1);
    expect(call?.params.return_url).toBe(`${PUBLIC_URL}/profile#billing`);
    expect(call?.idempotencyKey).toBeTruthy();
  });
});

describe('Stripe unreachable', () => {
  let unreachable: TestApp;

  beforeAll(async () => {
    // A port that was just free and is now closed: every connection is refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    unreachable = await createTestApp({ ...stripe.env, WEBOX_STRIPE_API_URL: `http://127.0.0.1:${port}` });
  });

  afterAll(async () => {
    await unreachable?.close();
  });

  it('answers 502 provider_error for a price, and no line of the log holds the key', async () => {
    const owner = await signUp(unreachable.app);
    const refused = await owner.post('/api/admin/plans', { name: 'Pro', prices: { month: slot(monthly), year: null } });
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe('provider_error');
    expect(refused.json().error.message).toContain(monthly.id);
    expect((await owner.get('/api/admin/plans')).json().plans).toEqual([]);
    for (const logs of [unreachable.logs, test.logs]) {
      expect(logs.join('\n')).not.toContain(stripe.secretKey);
    }
  });
});
