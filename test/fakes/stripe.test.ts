// Proves the fake Stripe speaks the wire the real `stripe` SDK reads: every call here goes
// through the SDK (form-encoded bodies, its error classes, its webhook verification), as WeBox's
// own calls do.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeStripe } from './stripe.ts';
import { startFakeStripe } from './stripe.ts';
import { parseStripeParams } from './stripe-objects.ts';

const WEBHOOK_SECRET = 'whsec_fake_test_secret';

let fake: FakeStripe;
let sdk: Stripe;
const received: { body: string; signature: string }[] = [];
let receiver: ReturnType<typeof createServer>;
let receiverUrl = '';

function client(key: string, origin: string): Stripe {
  const url = new URL(origin);
  return new Stripe(key, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

beforeAll(async () => {
  fake = await startFakeStripe();
  sdk = client(fake.secretKey, fake.origin);
  // A webhook endpoint that records what it got, verified below with the SDK.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['stripe-signature']),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  fake.setWebhook(receiverUrl, WEBHOOK_SECRET);
});

afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function subscribedCustomer(email: string) {
  const price = fake.addPrice({ interval: 'month', unitAmount: 900, currency: 'eur' });
  const customer = await sdk.customers.create({ email, metadata: { webox_user_id: `u-${email}` } });
  const session = await sdk.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: 'http://webox.test/profile?checkout=success',
  });
  const { subscription } = await fake.completeCheckout(session.id, { deliver: false });
  return { price, customer, session, subscription };
}

describe('fake Stripe wire format', () => {
  it('parses bracketed form keys as Stripe does', () => {
    expect(
      parseStripeParams('line_items[0][price]=p1&line_items[1][price]=p2&metadata[a]=x&expand[]=y&expand[]=z'),
    ).toEqual({
      line_items: [{ price: 'p1' }, { price: 'p2' }],
      metadata: { a: 'x' },
      expand: ['y', 'z'],
    });
  });

  it('retrieves a seeded price and answers 404 resource_missing for an unknown one', async () => {
    const seeded = fake.addPrice({ interval: 'year', unitAmount: 9900, currency: 'eur' });
    const price = await sdk.prices.retrieve(seeded.id);
    expect(price).toMatchObject({
      id: seeded.id,
      object: 'price',
      livemode: false,
      unit_amount: 9900,
      currency: 'eur',
    });
    expect(price.recurring?.interval).toBe('year');
    expect(typeof price.created).toBe('number');
    const error = await sdk.prices.retrieve('price_unknown').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
  });

  it('refuses a wrong secret key with 401, masking it', async () => {
    const wrong = 'sk_test_wrongwrongwrongwrong1234';
    const error = await client(wrong, fake.origin)
      .customers.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Error).message).not.toContain(wrong);
    expect(fake.requests.at(-1)).toMatchObject({ status: 401, apiKey: wrong });
  });

  it('replays a POST sent again with its idempotency key, and refuses the key with other parameters', async () => {
    const key = `customer-${Date.now()}`;
    const first = await sdk.customers.create({ email: 'idem@example.test' }, { idempotencyKey: key });
    const again = await sdk.customers.create({ email: 'idem@example.test' }, { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    const listed = await sdk.customers.list({ email: 'idem@example.test', limit: 10 });
    expect(listed.data.map((c) => c.id)).toEqual([first.id]);
    const error = await sdk.customers.create({ email: 'other@example.test' }, { idempotencyKey: key }).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(fake.requests.filter((r) => r.idempotencyKey === key).map((r) => r.status)).toEqual([200, 200, 400]);
  });

  it('creates a Checkout Session from bracketed parameters, and completing it delivers signed events in order', async () => {
    const price = fake.addPrice({ interval: 'month', unitAmount: 1200, currency: 'eur' });
    const customer = await sdk.customers.create({ metadata: { webox_user_id: 'user-1' } });
    expect(customer.metadata).toEqual({ webox_user_id: 'user-1' });
    const session = await sdk.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: 'user-1',
      line_items: [{ price: price.id, quantity: 1 }],
      metadata: { webox_user_id: 'user-1', webox_plan_id: 'plan-1' },
      success_url: 'http://webox.test/profile?checkout=success',
      cancel_url: 'http://webox.test/profile?checkout=cancel',
    });
    expect(session).toMatchObject({ object: 'checkout.session', mode: 'subscription', status: 'open' });
    expect(session.url?.startsWith(`${fake.origin}/checkout/`)).toBe(true);
    const sent = fake.requests.at(-1);
    expect(sent?.params).toMatchObject({
      line_items: [{ price: price.id, quantity: '1' }],
      metadata: { webox_plan_id: 'plan-1' },
    });

    received.length = 0;
    const { subscription, deliveries } = await fake.completeCheckout(session.id);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    const events = received.map((r) => sdk.webhooks.constructEvent(r.body, r.signature, WEBHOOK_SECRET));
    expect(events.map((e) => e.type)).toEqual([
      'checkout.session.completed',
      'customer.subscription.created',
      'invoice.paid',
    ]);
    const completed = events[0]?.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({
      client_reference_id: 'user-1',
      subscription: subscription.id,
      status: 'complete',
    });
    const paid = events[2]?.data.object as Stripe.Invoice;
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 1200, currency: 'eur', customer: customer.id });
    expect(paid.parent?.subscription_details?.subscription).toBe(subscription.id);

    const read = await sdk.subscriptions.retrieve(subscription.id);
    expect(read).toMatchObject({ status: 'active', customer: customer.id, cancel_at_period_end: false });
    expect(read.items.data[0]?.price.id).toBe(price.id);
    expect(read.items.data[0]?.current_period_end).toBeGreaterThan(read.created);
    expect((read as unknown as { current_period_end: number }).current_period_end).toBe(
      read.items.data[0]?.current_period_end,
    );
    const invoices = await sdk.invoices.list({ customer: customer.id });
    expect(invoices.data.map((i) => i.status)).toEqual(['paid']);
  });

  it('a signature made at an old timestamp or with another secret does not verify', async () => {
    const { subscription } = await subscribedCustomer('sig@example.test');
    const event = fake.updateSubscription(subscription.id, { cancel_at_period_end: true });
    const old = fake.sign(event, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(() => sdk.webhooks.constructEvent(old.payload, old.headers['stripe-signature'], WEBHOOK_SECRET)).toThrow();
    const other = fake.sign(event, { secret: 'whsec_other' });
    expect(() =>
      sdk.webhooks.constructEvent(other.payload, other.headers['stripe-signature'], WEBHOOK_SECRET),
    ).toThrow();
    const fresh = fake.sign(event);
    const verified = sdk.webhooks.constructEvent(fresh.payload, fresh.headers['stripe-signature'], WEBHOOK_SECRET);
    expect(verified).toMatchObject({ id: event.id, type: 'customer.subscription.updated' });
    expect((verified.data.previous_attributes as Record<string, unknown>).cancel_at_period_end).toBe(false);
  });

  it('the hosted Checkout page completes the session and redirects to success_url', async () => {
    const price = fake.addPrice({ interval: 'month', unitAmount: 500, currency: 'usd' });
    const customer = await sdk.customers.create({ email: 'page@example.test' });
    const session = await sdk.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'http://webox.test/profile?checkout=success#billing',
    });
    received.length = 0;
    const response = await fetch(session.url ?? '', { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://webox.test/profile?checkout=success#billing');
    expect(received).toHaveLength(3);
    expect((await sdk.checkout.sessions.retrieve(session.id)).status).toBe('complete');
    const subscriptions = await sdk.subscriptions.list({ customer: customer.id, status: 'all' });
    expect(subscriptions.data.map((s) => s.status)).toEqual(['active']);
  });

  it('refuses one-time and unknown prices in subscription mode', async () => {
    const once = fake.addPrice({ interval: null, unitAmount: 500, currency: 'eur' });
    const attempt = (price: string) =>
      sdk.checkout.sessions.create({ mode: 'subscription', line_items: [{ price, quantity: 1 }] }).catch((e) => e);
    expect(await attempt(once.id)).toMatchObject({ statusCode: 400, param: 'line_items[0][price]' });
    expect(await attempt('price_nope')).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('updates, cancels and lists subscriptions as Stripe does (cancelled ones only with status=all)', async () => {
    const { customer, subscription } = await subscribedCustomer('cancel@example.test');
    const updated = await sdk.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(updated.cancel_at_period_end).toBe(true);
    expect(fake.events.at(-1)?.type).toBe('customer.subscription.updated');
    const cancelled = await sdk.subscriptions.cancel(subscription.id);
    expect(cancelled.status).toBe('canceled');
    expect(fake.events.at(-1)?.type).toBe('customer.subscription.deleted');
    expect((await sdk.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await sdk.subscriptions.list({ customer: customer.id, status: 'all' })).data).toHaveLength(1);
  });

  it('a failed renewal makes the subscription past due, a paid one renews it', async () => {
    const { subscription } = await subscribedCustomer('renew@example.test');
    const end = subscription.current_period_end;
    const failed = fake.failPayment(subscription.id);
    expect(failed.map((e) => e.type)).toEqual(['invoice.payment_failed', 'customer.subscription.updated']);
    expect((await sdk.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    fake.payRenewal(subscription.id);
    const renewed = await sdk.subscriptions.retrieve(subscription.id);
    expect(renewed.status).toBe('active');
    expect(renewed.items.data[0]?.current_period_end).toBeGreaterThan(end);
  });

  it('creates Portal sessions for known customers only', async () => {
    const customer = await sdk.customers.create({ email: 'portal@example.test' });
    const portal = await sdk.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'http://webox.test/p',
    });
    expect(portal.url.startsWith(`${fake.origin}/portal/`)).toBe(true);
    const back = await fetch(portal.url, { redirect: 'manual' });
    expect(back.headers.get('location')).toBe('http://webox.test/p');
    const error = await sdk.billingPortal.sessions.create({ customer: 'cus_nope' }).catch((e) => e);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'customer' });
  });

  it('a deleted customer: its subscriptions cancelled, a stub to retrieve, missing to the rest', async () => {
    const { customer, subscription } = await subscribedCustomer('deleted@example.test');
    const deleted = await sdk.customers.del(customer.id);
    expect(deleted).toEqual({ id: customer.id, object: 'customer', deleted: true });
    expect(fake.events.slice(-2).map((e) => e.type)).toEqual(['customer.subscription.deleted', 'customer.deleted']);
    expect(fake.subscription(subscription.id)?.status).toBe('canceled');
    expect(await sdk.customers.retrieve(customer.id)).toMatchObject({ id: customer.id, deleted: true });
    expect((await sdk.customers.list({ email: 'deleted@example.test' })).data).toEqual([]);
    const price = fake.addPrice({ interval: 'month', unitAmount: 500, currency: 'eur' });
    for (const call of [
      () => sdk.subscriptions.list({ customer: customer.id, status: 'all' }),
      () => sdk.billingPortal.sessions.create({ customer: customer.id }),
      () =>
        sdk.checkout.sessions.create({
          mode: 'subscription',
          customer: customer.id,
          line_items: [{ price: price.id, quantity: 1 }],
        }),
      () => sdk.customers.del(customer.id),
    ]) {
      const error = await call().catch((e) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ code: 'resource_missing' });
    }
  });

  it('answers 500 to the next requests on a path when told to, then recovers', async () => {
    fake.failNext('/v1/customers', 1);
    const error = await sdk.customers.list().catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500 });
    expect((await sdk.customers.list()).object).toBe('list');
  });

  it('answers Stripe 404 for an unknown URL', async () => {
    const response = await fetch(`${fake.origin}/v1/nothing`, {
      headers: { authorization: `Bearer ${fake.secretKey}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
