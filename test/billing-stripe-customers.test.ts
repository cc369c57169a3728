// Checkout asks Stripe before it opens a session for a user who has a Stripe customer (the fake,
// through the real SDK): a subscription paid whose webhook has not come yet answers 409
// already_subscribed, as WeBox's own rows do (billing-stripe-checkout.test.ts), with one list
// call and none for a new customer; a customer deleted in Stripe's dashboard, or one this Stripe
// account never had, is replaced by a new customer under another idempotency key, once even when
// two checkouts race; the portal of a deleted customer answers 409 no_customer.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingCustomer, subscription } from '../src/server/db/schema/billing.ts';
import type { FakeStripe, StripeRequest } from './fakes/stripe.ts';
import { startFakeStripe } from './fakes/stripe.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { type Member, member } from './helpers/limits.ts';

let stripe: FakeStripe;
let test: TestApp;
let planId: string;

const checkout = (client: Client) => client.post('/api/billing/checkout', { planId, interval: 'month' });
/** The Stripe requests made by `run`, as method and path, in order. */
async function callsDuring<T>(run: () => Promise<T>): Promise<{ result: T; calls: StripeRequest[] }> {
  const before = stripe.requests.length;
  const result = await run();
  return { result, calls: stripe.requests.slice(before) };
}
const named = (calls: StripeRequest[], method: string, path: string) =>
  calls.filter((call) => call.method === method && call.path === path);
const sessionIdOf = (url: string) => url.slice(`${stripe.origin}/checkout/`.length);
async function customerRow(userId: string): Promise<string | undefined> {
  const rows = await test.app.database.db.select().from(billingCustomer).where(eq(billingCustomer.userId, userId));
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0]?.stripeCustomerId;
}
/** A member whose first checkout went through: a Stripe customer and an open session. */
async function withCustomer(): Promise<Member & { customer: string; sessionId: string }> {
  const user = await member(test);
  const opened = await checkout(user.client);
  expect(opened.statusCode).toBe(200);
  return { ...user, customer: (await customerRow(user.id)) ?? '', sessionId: sessionIdOf(opened.json().url) };
}

beforeAll(async () => {
  stripe = await startFakeStripe();
  test = await createTestApp(stripe.env);
  const admin = await signUp(test.app);
  const price = stripe.addPrice({ interval: 'month', unitAmount: 900, currency: 'eur' });
  planId = (
    await admin.post('/api/admin/plans', { name: 'Pro', prices: { month: { stripePriceId: price.id }, year: null } })
  ).json().id;
});

afterAll(async () => {
  await test?.close();
  await stripe?.close();
});

describe('a subscription Stripe has before its webhook', () => {
  it('answers 409 already_subscribed while it is active, trialing or past due, from one list call', async () => {
    const user = await withCustomer();
    const { subscription: paid } = await stripe.completeCheckout(user.sessionId, { deliver: false });
    // No webhook: WeBox's own rows know nothing of it.
    expect(await test.app.database.db.select().from(subscription).where(eq(subscription.userId, user.id))).toEqual([]);

    for (const status of ['active', 'trialing', 'past_due'] as const) {
      if (status !== 'active') stripe.updateSubscription(paid.id, { status });
      const { result: refused, calls } = await callsDuring(() => checkout(user.client));
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('already_subscribed');
      expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /v1/subscriptions']);
      expect(calls[0]?.params).toEqual({ customer: user.customer, status: 'all', limit: '10' });
    }

    stripe.deleteSubscription(paid.id);
    const { result: again, calls } = await callsDuring(() => checkout(user.client));
    expect(again.statusCode).toBe(200);
    expect(named(calls, 'POST', '/v1/checkout/sessions')[0]?.params.customer).toBe(user.customer);
  });

  it('asks nothing of subscriptions for a user who has no customer yet', async () => {
    const user = await member(test);
    const { result, calls } = await callsDuring(() => checkout(user.client));
    expect(result.statusCode).toBe(200);
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /v1/customers',
      'POST /v1/checkout/sessions',
    ]);
  });

  it('Stripe failing to list answers 502 provider_error saying what failed, and opens no session', async () => {
    const user = await withCustomer();
    // The SDK retries twice: three failures exhaust it.
    stripe.failNext('/v1/subscriptions', 3);
    const { result: failed, calls } = await callsDuring(() => checkout(user.client));
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error).toMatchObject({ code: 'provider_error', provider: 'stripe' });
    expect(failed.json().error.message).toContain('subscriptions');
    expect(named(calls, 'POST', '/v1/checkout/sessions')).toEqual([]);
    expect((await checkout(user.client)).statusCode).toBe(200);
  });
});

describe('a customer Stripe no longer has', () => {
  it('deleted in the dashboard (its subscription with it): replaced on checkout under another key', async () => {
    const user = await withCustomer();
    await stripe.completeCheckout(user.sessionId, { deliver: false });
    stripe.deleteCustomer(user.customer);

    const { result: opened, calls } = await callsDuring(() => checkout(user.client));
    expect(opened.statusCode).toBe(200);
    expect(named(calls, 'GET', '/v1/subscriptions').map((call) => call.status)).toEqual([404]);
    const replacement = (await customerRow(user.id)) ?? '';
    expect(replacement).not.toBe(user.customer);
    expect(stripe.customer(replacement)).toMatchObject({ metadata: { webox_user_id: user.id } });
    expect(named(calls, 'POST', '/v1/checkout/sessions').map((call) => call.params.customer)).toEqual([replacement]);

    // The first creation's key would have replayed the deleted customer: the replacement's differs.
    const creations = named(stripe.requests, 'POST', '/v1/customers').filter((call) =>
      call.idempotencyKey?.includes(user.id),
    );
    expect(creations.map((call) => call.status)).toEqual([200, 200]);
    expect(new Set(creations.map((call) => call.idempotencyKey)).size).toBe(2);

    // From now on the new customer is the user's: reused, not replaced again.
    const { result: next, calls: nextCalls } = await callsDuring(() => checkout(user.client));
    expect(next.statusCode).toBe(200);
    expect(named(nextCalls, 'POST', '/v1/customers')).toEqual([]);
    expect((await user.client.post('/api/billing/portal')).statusCode).toBe(200);
  });

  it('one this Stripe account never had: the session refused names it, a new customer is made and used', async () => {
    const user = await member(test);
    await test.app.database.db.insert(billingCustomer).values({ userId: user.id, stripeCustomerId: 'cus_nevermade' });
    const { result: opened, calls } = await callsDuring(() => checkout(user.client));
    expect(opened.statusCode).toBe(200);
    const replacement = (await customerRow(user.id)) ?? '';
    expect(replacement).not.toBe('cus_nevermade');
    expect(stripe.customer(replacement)).toBeDefined();
    const sessions = named(calls, 'POST', '/v1/checkout/sessions');
    expect(sessions.map((call) => [call.params.customer, call.status])).toEqual([
      ['cus_nevermade', 404],
      [replacement, 200],
    ]);
    expect(sessions[0]?.idempotencyKey).not.toBe(sessions[1]?.idempotencyKey);
    expect(opened.json().url).toBe(stripe.checkoutSession(sessionIdOf(opened.json().url))?.url);
  });

  it('two checkouts racing after the deletion end on one new customer', async () => {
    const user = await withCustomer();
    stripe.deleteCustomer(user.customer);
    const { result, calls } = await callsDuring(() => Promise.all([checkout(user.client), checkout(user.client)]));
    expect(result.map((response) => response.statusCode)).toEqual([200, 200]);
    const replacement = (await customerRow(user.id)) ?? '';
    expect(replacement).not.toBe(user.customer);
    // Whether the race reached Stripe once or twice, it sent one key and got one customer.
    expect(new Set(named(calls, 'POST', '/v1/customers').map((call) => call.idempotencyKey)).size).toBe(1);
    const opened = named(calls, 'POST', '/v1/checkout/sessions').filter((call) => call.status === 200);
    expect(opened.map((call) => call.params.customer)).toEqual([replacement, replacement]);
  });

  it('the portal of a deleted customer answers 409 no_customer; a checkout then opens it again', async () => {
    const user = await withCustomer();
    expect((await user.client.post('/api/billing/portal')).statusCode).toBe(200);
    stripe.deleteCustomer(user.customer);
    const refused = await user.client.post('/api/billing/portal');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('no_customer');
    expect((await checkout(user.client)).statusCode).toBe(200);
    const portal = await user.client.post('/api/billing/portal');
    expect(portal.statusCode).toBe(200);
    expect(named(stripe.requests, 'POST', '/v1/billing_portal/sessions').at(-1)?.params.customer).toBe(
      await customerRow(user.id),
    );
  });
});
