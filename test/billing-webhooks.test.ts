// Stripe's webhook (POST /api/billing/webhook) on the fake Stripe: a completed Checkout opens the
// global keys; a delivery that does not verify (no header, a malformed one, another secret, an
// altered body, an old timestamp) is 400 invalid_signature and neither calls Stripe nor changes
// anything; a replay, an ignored type and an unknown customer answer 200 and change nothing; two
// secrets verify at once (rotation); a Stripe key without a webhook secret starts, warns, refuses.
// Ordering, failures and grace: billing-webhooks-order.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { v1 } from './helpers/limits.ts';
import {
  addCustomer,
  deliver,
  deliverAll,
  eventAt,
  startBilling,
  startStripe,
  subscriber,
  subscriptionRows,
  webhookSecret,
} from './helpers/stripe-billing.ts';

let fakes: FakeUpstreams;
let billing: Awaited<ReturnType<typeof startBilling>>;
let test: TestApp;
let admin: Client;

const completion = (token: string) =>
  v1(test, token, { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hello' }] });
const count = async (table: string) =>
  Number((await test.app.database.query<{ n: string }>(`select count(*) as n from ${table}`, [])).rows[0]?.n);
const subscriptionReads = () =>
  billing.stripe.requests.filter((request) => request.path.startsWith('/v1/subscriptions'));
const post = (headers: Record<string, string>, payload: string) =>
  test.app.inject({ method: 'POST', url: '/api/billing/webhook', headers, payload });

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  billing = await startBilling({ ...fakes.env, WEBOX_PUBLIC_URL: 'https://webox.example' });
  test = billing.test;
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  await admin.put('/api/admin/billing', { policy: 'subscribers' });
});

afterAll(async () => {
  await test?.close();
  await billing?.stripe.close();
  await fakes?.close();
});

describe('a completed Checkout', () => {
  it('opens the global keys with the plan once its events are delivered, and records the paid invoice', async () => {
    const user = await subscriber(test.app, billing);
    expect((await completion(user.token)).statusCode).toBe(402);
    expect((await user.client.get('/api/billing')).json()).toMatchObject({ status: 'none', plan: null });

    // Delivered at once, as Stripe may: on PostgreSQL two events of the same second can meet inside
    // their transactions, and the later one answers 500 with nothing applied (a tie is read from
    // Stripe, never guessed); Stripe delivers it again, and so does this test.
    const answers = await Promise.all(
      user.events.map(async (event) => {
        const first = await deliver(test.app, billing.stripe, event);
        return first.statusCode === 500 ? deliver(test.app, billing.stripe, event) : first;
      }),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200]);
    expect(answers[0]?.json()).toEqual({ received: true });

    const view = (await user.client.get('/api/billing')).json();
    expect(view).toEqual({
      enabled: true,
      policy: 'subscribers',
      plan: { id: billing.planId, name: 'Pro' },
      status: 'active',
      currentPeriodEnd: new Date(user.subscription.items.data[0]!.current_period_end * 1000).toISOString(),
      cancelAtPeriodEnd: false,
      grantedUntil: null,
      globalAccess: { allowed: true, reason: null },
    });
    expect((await completion(user.token)).statusCode).toBe(200);
    const [row] = await subscriptionRows(test.app, user.id);
    expect(row).toMatchObject({ planId: billing.planId, interval: 'month', amount: 900, currency: 'eur' });
    const invoices = await test.app.database.query(`select * from billing_invoice where user_id = $1`, [user.id]);
    expect(invoices.rows).toEqual([expect.objectContaining({ amount_paid: 900, currency: 'eur' })]);
    // The admin's revenue view (this month) counts it, on the subscription's plan.
    const revenue = (await admin.get('/api/admin/billing/revenue')).json();
    expect(revenue.users).toContainEqual(
      expect.objectContaining({ userId: user.id, status: 'active', revenue: [{ currency: 'eur', amount: 900 }] }),
    );
  });

  it("through WeBox's own checkout: the webhook opens the keys, and a second checkout is refused", async () => {
    const user = await signUp(test.app);
    const userId = (await user.get('/api/me')).json().id as string;
    const started = await user.post('/api/billing/checkout', { planId: billing.planId, interval: 'month' });
    expect(started.statusCode).toBe(200);
    const sessionId = new URL(started.json().url).pathname.split('/').pop() ?? '';
    const { events } = await billing.stripe.completeCheckout(sessionId, { deliver: false });
    expect(await deliverAll(test.app, billing.stripe, events)).toEqual([200, 200, 200]);
    expect((await user.get('/api/billing')).json()).toMatchObject({ status: 'active', plan: { id: billing.planId } });
    expect(await subscriptionRows(test.app, userId)).toHaveLength(1);
    const again = await user.post('/api/billing/checkout', { planId: billing.planId, interval: 'month' });
    expect(again.json().error.code).toBe('already_subscribed');
  });

  it('a replayed event changes nothing and reads nothing from Stripe', async () => {
    const user = await subscriber(test.app, billing);
    await deliverAll(test.app, billing.stripe, user.events);
    const [before] = await subscriptionRows(test.app, user.id);
    const events = await count('stripe_event');
    const reads = subscriptionReads().length;

    const again = await deliverAll(test.app, billing.stripe, [...user.events, ...user.events]);
    expect(again).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await subscriptionRows(test.app, user.id)).toEqual([before]);
    expect(await count('stripe_event')).toBe(events);
    expect(subscriptionReads().length).toBe(reads);
    const invoices = await test.app.database.query(`select id from billing_invoice where user_id = $1`, [user.id]);
    expect(invoices.rows).toHaveLength(1);
  });
});

describe('a subscription and a grant', () => {
  it('the subscription speaks for the status while it opens the keys; `granted` once only the grant does', async () => {
    const school = (
      await admin.post('/api/admin/plans', { name: 'School', prices: { month: null, year: null } })
    ).json();
    const user = await subscriber(test.app, billing);
    await deliverAll(test.app, billing.stripe, user.events);
    expect((await admin.put(`/api/admin/users/${user.id}/plan`, { planId: school.id })).statusCode).toBe(200);
    expect((await user.client.get('/api/billing')).json()).toMatchObject({
      status: 'active',
      plan: { id: billing.planId, name: 'Pro' },
    });

    billing.stripe.deleteSubscription(user.subscription.id);
    const deleted = eventAt(
      billing.stripe,
      'customer.subscription.deleted',
      billing.stripe.subscription(user.subscription.id)!,
      30,
    );
    expect((await deliver(test.app, billing.stripe, deleted)).statusCode).toBe(200);
    expect((await user.client.get('/api/billing')).json()).toMatchObject({
      status: 'granted',
      plan: { id: school.id, name: 'School' },
      globalAccess: { allowed: true, reason: null },
    });
    expect((await completion(user.token)).statusCode).toBe(200);

    await admin.put(`/api/admin/users/${user.id}/plan`, { planId: null });
    expect((await user.client.get('/api/billing')).json()).toMatchObject({
      status: 'canceled',
      plan: null,
      globalAccess: { allowed: false, reason: 'no_subscription' },
    });
    expect((await completion(user.token)).statusCode).toBe(402);
  });
});

describe('deliveries that do not verify', () => {
  it('answer 400 invalid_signature, call nothing and change nothing', async () => {
    const user = await subscriber(test.app, billing);
    const event = user.events[0]!;
    const signed = billing.stripe.sign(event);
    const tampered = signed.payload.replace(user.customer, 'cus_someoneelse');
    expect(tampered).not.toBe(signed.payload);
    const stale = billing.stripe.sign(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    const requests = billing.stripe.requests.length;
    const events = await count('stripe_event');

    const refused = [
      await post({ 'content-type': 'application/json' }, signed.payload),
      await post({ ...signed.headers, 'stripe-signature': 'not a signature' }, signed.payload),
      await post({ ...signed.headers, 'stripe-signature': 't=1,v1=00' }, signed.payload),
      // Another site's page making a browser post it: refused the same way (no Origin check here).
      await post({ ...signed.headers, 'stripe-signature': 'x', origin: 'https://evil.example', cookie: 'a=b' }, '{}'),
      await deliver(test.app, billing.stripe, event, { secret: webhookSecret() }),
      await post(signed.headers, tampered),
      await post(stale.headers, stale.payload),
      await post({ ...signed.headers, 'content-type': 'text/plain' }, ''),
    ];
    for (const answer of refused) {
      expect(answer.statusCode).toBe(400);
      expect(answer.json().error.code).toBe('invalid_signature');
    }
    expect(billing.stripe.requests.length).toBe(requests);
    expect(await count('stripe_event')).toBe(events);
    expect(await subscriptionRows(test.app, user.id)).toEqual([]);
    expect((await completion(user.token)).statusCode).toBe(402);
    // The same delivery, intact and in time, is applied.
    expect((await post(signed.headers, signed.payload)).statusCode).toBe(200);
    expect(await subscriptionRows(test.app, user.id)).toHaveLength(1);
  });
});

describe('what is acknowledged and left alone', () => {
  it('an ignored type, and a customer that is not one of ours, answer 200 and change nothing', async () => {
    const events = await count('stripe_event');
    const ignored = billing.stripe.event('customer.updated', { id: 'cus_x', object: 'customer' });
    expect((await deliver(test.app, billing.stripe, ignored)).statusCode).toBe(200);

    // A Checkout for a customer with no billing_customer row (another application's, say).
    const stranger = await subscriber(test.app, billing);
    await test.app.database.query(`delete from billing_customer where user_id = $1`, [stranger.id]);
    expect(await deliverAll(test.app, billing.stripe, stranger.events)).toEqual([200, 200, 200]);
    expect(await subscriptionRows(test.app, stranger.id)).toEqual([]);
    expect(await count('stripe_event')).toBe(events);
  });
});

describe('secrets', () => {
  it('accepts a delivery signed with either of two secrets (rotation), and refuses a third', async () => {
    const started = await startStripe();
    const next = webhookSecret();
    const rotating = await createTestApp({ ...started.env, STRIPE_WEBHOOK_SECRET: `${started.secret}, ${next}` });
    try {
      const userId = (await (await signUp(rotating.app)).get('/api/me')).json().id as string;
      await addCustomer(rotating.app, started.sdk, userId);
      const ignored = started.stripe.event('customer.updated', { id: 'cus_x', object: 'customer' });
      for (const secret of [started.secret, next]) {
        expect((await deliver(rotating.app, started.stripe, ignored, { secret })).statusCode).toBe(200);
      }
      expect((await deliver(rotating.app, started.stripe, ignored, { secret: webhookSecret() })).statusCode).toBe(400);
    } finally {
      await rotating.close();
      await started.stripe.close();
    }
  });

  it('STRIPE_SECRET_KEY without STRIPE_WEBHOOK_SECRET: the server starts, warns once, refuses every delivery', async () => {
    const started = await startStripe();
    const unsigned = await createTestApp({ ...started.stripe.env });
    try {
      const warnings = unsigned.logs.filter((line) => line.includes('STRIPE_WEBHOOK_SECRET is not'));
      expect(warnings).toHaveLength(1);
      const event = started.stripe.event('customer.updated', { id: 'cus_x', object: 'customer' });
      const answer = await deliver(unsigned.app, started.stripe, event);
      expect(answer.statusCode).toBe(400);
      expect(answer.json().error.code).toBe('invalid_signature');
      expect((await unsigned.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await unsigned.close();
      await started.stripe.close();
    }
  });
});
