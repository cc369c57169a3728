// The webhook's state rules on the fake Stripe: events applied in any order end on the newest state
// (deleted before updated ends cancelled; a tie is read from Stripe's API); a failure answers 500
// with nothing applied and Stripe's retry applies it; past-due grace starts at the first failed
// payment, is not extended by retries, ends, and is cleared by a payment; cancelled at period end
// keeps access until that end; the policy never touches a personal key.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STRIPE_NETWORK_RETRIES } from '../src/server/billing/stripe-client.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import type { StripeObject } from './fakes/stripe.ts';
import type { TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { v1 } from './helpers/limits.ts';
import { deliver, deliverAll, eventAt, startBilling, subscriber, subscriptionRows } from './helpers/stripe-billing.ts';

let fakes: FakeUpstreams;
let billing: Awaited<ReturnType<typeof startBilling>>;
let test: TestApp;
let admin: Client;

const completion = (token: string) =>
  v1(test, token, { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hello' }] });
const refusal = async (token: string) => {
  const answer = await completion(token);
  return answer.statusCode === 200 ? 200 : `${answer.statusCode} ${answer.json().error.reason}`;
};
const objectOf = (event: StripeObject) => (event.data as { object: StripeObject }).object;
const billingOf = async (user: { client: Client }) => (await user.client.get('/api/billing')).json();

/** A subscriber whose Checkout's events were all delivered: active on the plan. */
async function active() {
  const user = await subscriber(test.app, billing);
  expect(await deliverAll(test.app, billing.stripe, user.events)).toEqual([200, 200, 200]);
  expect(await refusal(user.token)).toBe(200);
  return user;
}

/** Moves the user's grace start back (as if the failure were older) and drops the cached state. */
async function failedDaysAgo(userId: string, days: number) {
  await test.app.database.query(
    `update subscription set past_due_since = now() - make_interval(days => $2) where user_id = $1`,
    [userId, days],
  );
  await test.app.billing.access.subscriptionChanged(userId);
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  billing = await startBilling({ ...fakes.env, WEBOX_PUBLIC_URL: 'https://webox.example' });
  test = billing.test;
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  await admin.put('/api/admin/billing', { policy: 'subscribers' });
});

beforeEach(async () => {
  await admin.put('/api/admin/billing', { graceDays: 3 });
});

afterAll(async () => {
  await test?.close();
  await billing?.stripe.close();
  await fakes?.close();
});

describe('events out of order', () => {
  it('deleted delivered before an older updated ends cancelled, with no plan', async () => {
    const user = await active();
    const id = user.subscription.id;
    billing.stripe.updateSubscription(id, { cancel_at_period_end: true });
    const updated = eventAt(billing.stripe, 'customer.subscription.updated', billing.stripe.subscription(id)!, 5);
    billing.stripe.deleteSubscription(id);
    const deleted = eventAt(billing.stripe, 'customer.subscription.deleted', billing.stripe.subscription(id)!, 10);

    expect(await deliverAll(test.app, billing.stripe, [deleted, updated])).toEqual([200, 200]);
    expect(await billingOf(user)).toMatchObject({
      status: 'canceled',
      plan: null,
      globalAccess: { allowed: false, reason: 'no_subscription' },
    });
    expect(await refusal(user.token)).toBe('402 no_subscription');
  });

  it('an older update never overwrites a newer one; a tie is settled by reading Stripe', async () => {
    const user = await active();
    const id = user.subscription.id;
    billing.stripe.updateSubscription(id, { cancel_at_period_end: true });
    const newer = eventAt(billing.stripe, 'customer.subscription.updated', billing.stripe.subscription(id)!, 20);
    billing.stripe.updateSubscription(id, { cancel_at_period_end: false });
    const older = eventAt(billing.stripe, 'customer.subscription.updated', billing.stripe.subscription(id)!, 15);
    await deliverAll(test.app, billing.stripe, [newer, older]);
    expect((await billingOf(user)).cancelAtPeriodEnd).toBe(true);

    // Same second as the row's source: the event cannot say which is newer; Stripe's API can
    // (it says cancel_at_period_end false now).
    const tie = billing.stripe.event('customer.subscription.updated', objectOf(newer), {
      created: newer.created as number,
    });
    const reads = billing.stripe.requests.filter((request) => request.path === `/v1/subscriptions/${id}`).length;
    expect((await deliver(test.app, billing.stripe, tie)).statusCode).toBe(200);
    expect(billing.stripe.requests.filter((request) => request.path === `/v1/subscriptions/${id}`)).toHaveLength(
      reads + 1,
    );
    expect((await billingOf(user)).cancelAtPeriodEnd).toBe(false);
  });
});

describe('a failure while applying', () => {
  it('answers 500 with nothing applied, and the retry applies it', async () => {
    const user = await subscriber(test.app, billing);
    const completed = user.events[0]!;
    // Failing past the SDK's own retries.
    billing.stripe.failNext(`/v1/subscriptions/${user.subscription.id}`, STRIPE_NETWORK_RETRIES + 1);
    const failed = await deliver(test.app, billing.stripe, completed);
    expect(failed.statusCode).toBe(500);
    expect(failed.json().error.code).toBe('internal_error');
    expect(await subscriptionRows(test.app, user.id)).toEqual([]);
    const recorded = await test.app.database.query(`select id from stripe_event where id = $1`, [completed.id]);
    expect(recorded.rows).toEqual([]);

    expect((await deliver(test.app, billing.stripe, completed)).statusCode).toBe(200);
    expect(await billingOf(user)).toMatchObject({ status: 'active', globalAccess: { allowed: true } });
    expect(await refusal(user.token)).toBe(200);
  });
});

describe('past due', () => {
  it('keeps access for graceDays from the first failed payment; retries do not extend it; a payment ends it', async () => {
    const user = await active();
    const id = user.subscription.id;
    const [failure, pastDue] = billing.stripe.failPayment(id);
    expect(await deliverAll(test.app, billing.stripe, [failure!, pastDue!])).toEqual([200, 200]);
    const [row] = await subscriptionRows(test.app, user.id);
    expect(row?.status).toBe('past_due');
    expect(row?.pastDueSince?.getTime()).toBe((failure!.created as number) * 1000);
    expect(await billingOf(user)).toMatchObject({ status: 'past_due', globalAccess: { allowed: true, reason: null } });
    expect(await refusal(user.token)).toBe(200);

    // Stripe's retry of the same invoice, a day later, fails again: the grace still counts from the first.
    const retry = eventAt(billing.stripe, 'invoice.payment_failed', objectOf(failure!), 86_400);
    expect((await deliver(test.app, billing.stripe, retry)).statusCode).toBe(200);
    expect((await subscriptionRows(test.app, user.id))[0]?.pastDueSince?.getTime()).toBe(
      (failure!.created as number) * 1000,
    );

    await failedDaysAgo(user.id, 4);
    expect(await refusal(user.token)).toBe('402 past_due_grace_over');
    expect(await billingOf(user)).toMatchObject({
      status: 'past_due',
      plan: { id: billing.planId },
      globalAccess: { allowed: false, reason: 'past_due_grace_over' },
    });

    const paid = billing.stripe.payRenewal(id);
    expect(await deliverAll(test.app, billing.stripe, paid)).toEqual([200, 200]);
    expect((await subscriptionRows(test.app, user.id))[0]).toMatchObject({ status: 'active', pastDueSince: null });
    expect(await refusal(user.token)).toBe(200);
  });

  it('a failed payment delivered before anything else reads the subscription, and the grace starts at it', async () => {
    const user = await subscriber(test.app, billing);
    const [failure] = billing.stripe.failPayment(user.subscription.id);
    expect((await deliver(test.app, billing.stripe, failure!)).statusCode).toBe(200);
    expect((await subscriptionRows(test.app, user.id))[0]).toMatchObject({
      status: 'past_due',
      pastDueSince: new Date((failure!.created as number) * 1000),
      pastDueInvoiceId: objectOf(failure!).id,
    });
    expect(await refusal(user.token)).toBe(200);
  });

  it('with graceDays 0, access ends at the failed payment', async () => {
    await admin.put('/api/admin/billing', { graceDays: 0 });
    const user = await active();
    expect(await deliverAll(test.app, billing.stripe, billing.stripe.failPayment(user.subscription.id))).toEqual([
      200, 200,
    ]);
    expect(await refusal(user.token)).toBe('402 past_due_grace_over');
  });
});

describe('cancelled at period end', () => {
  it('keeps access until the period ends, then the deletion closes it', async () => {
    const user = await active();
    const id = user.subscription.id;
    const cancel = billing.stripe.updateSubscription(id, { cancel_at_period_end: true });
    expect((await deliver(test.app, billing.stripe, cancel)).statusCode).toBe(200);
    expect(await billingOf(user)).toMatchObject({
      status: 'active',
      cancelAtPeriodEnd: true,
      currentPeriodEnd: new Date(user.subscription.items.data[0]!.current_period_end * 1000).toISOString(),
      globalAccess: { allowed: true, reason: null },
    });
    expect(await refusal(user.token)).toBe(200);

    // Past its end with the deletion's webhook not arrived yet: closed all the same.
    await test.app.database.query(
      `update subscription set current_period_end = now() - interval '1 minute' where id = $1`,
      [id],
    );
    await test.app.billing.access.subscriptionChanged(user.id);
    expect(await refusal(user.token)).toBe('402 no_subscription');

    billing.stripe.deleteSubscription(id);
    const ended = eventAt(billing.stripe, 'customer.subscription.deleted', billing.stripe.subscription(id)!, 60);
    expect((await deliver(test.app, billing.stripe, ended)).statusCode).toBe(200);
    expect(await refusal(user.token)).toBe('402 no_subscription');
  });
});

describe('personal keys', () => {
  it('are never refused by the policy, whatever the subscription says', async () => {
    const user = await active();
    await user.client.put('/api/keys/openai', { apiKey: makeKey.openai() });
    billing.stripe.deleteSubscription(user.subscription.id);
    const deleted = eventAt(
      billing.stripe,
      'customer.subscription.deleted',
      billing.stripe.subscription(user.subscription.id)!,
      60,
    );
    expect((await deliver(test.app, billing.stripe, deleted)).statusCode).toBe(200);
    expect((await billingOf(user)).status).toBe('canceled');
    const chat = await user.client.post('/api/chat', {
      provider: 'openai',
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: false,
    });
    expect(chat.statusCode).toBe(200);
    expect(chat.json().source).toBe('personal');
    expect(await refusal(user.token)).toBe(200);
  });
});
