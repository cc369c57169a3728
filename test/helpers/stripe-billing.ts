// What the webhook and sync suites share: WeBox on the fake Stripe, a plan with a monthly price,
// subscribers made the way Checkout makes them (a customer with its billing_customer row, a
// session completed on the fake), and signed deliveries sent to an app through inject.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { App } from '../../src/server/app.ts';
import { type FakeStripe, type StripeObject, startFakeStripe } from '../fakes/stripe.ts';
import { createTestApp } from './app.ts';
import { signUp } from './client.ts';

export const webhookSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

export interface StripeBilling {
  stripe: FakeStripe;
  /** The SDK on the fake, as a test's own client (what Stripe's dashboard would do). */
  sdk: Stripe;
  secret: string;
  priceId: string;
  planId: string;
}

/** The fake Stripe, a monthly price on it, and the environment WeBox needs to use both. */
export async function startStripe() {
  const stripe = await startFakeStripe();
  const secret = webhookSecret();
  // Deliveries go through inject (deliver below); the fake signs them with this secret.
  stripe.setWebhook('http://127.0.0.1:9/api/billing/webhook', secret);
  const price = stripe.addPrice({ interval: 'month', unitAmount: 900, currency: 'eur' });
  const origin = new URL(stripe.origin);
  const sdk = new Stripe(stripe.secretKey, {
    host: origin.hostname,
    port: Number(origin.port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  return { stripe, sdk, secret, priceId: price.id, env: { ...stripe.env, STRIPE_WEBHOOK_SECRET: secret } };
}

/** A plan whose monthly slot is the price (written as the plan routes would, then announced). */
export async function addPlan(app: App, priceId: string, name = 'Pro'): Promise<string> {
  const result = await app.database.query<{ id: string }>(
    `insert into plan (name, month_price, budgets) values ($1, $2, $3) returning id`,
    [
      name,
      JSON.stringify({ stripePriceId: priceId, amount: 900, currency: 'eur' }),
      JSON.stringify({ dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null }),
    ],
  );
  await app.billing.access.plansChanged();
  return result.rows[0]?.id as string;
}

export async function startBilling(env: Record<string, string> = {}) {
  const started = await startStripe();
  const test = await createTestApp({ ...started.env, ...env });
  const planId = await addPlan(test.app, started.priceId);
  return { ...started, test, planId };
}

/** A Stripe customer for the user, with the row checkout writes (customer → user). */
export async function addCustomer(app: App, sdk: Stripe, userId: string): Promise<string> {
  const customer = await sdk.customers.create({ metadata: { webox_user_id: userId } });
  await app.database.query(`insert into billing_customer (user_id, stripe_customer_id) values ($1, $2)`, [
    userId,
    customer.id,
  ]);
  return customer.id;
}

/**
 * A member whose Checkout completed on the fake: its subscription (active) and the three events
 * Stripe sends then (checkout.session.completed, customer.subscription.created, invoice.paid), not
 * delivered yet.
 */
export async function subscriber(app: App, billing: Pick<StripeBilling, 'stripe' | 'sdk' | 'priceId'>) {
  const client = await signUp(app);
  const id = (await client.get('/api/me')).json().id as string;
  const token = (await client.post('/api/tokens', { name: 'billing' })).json().token as string;
  const customer = await addCustomer(app, billing.sdk, id);
  const session = await billing.sdk.checkout.sessions.create({
    mode: 'subscription',
    customer,
    line_items: [{ price: billing.priceId, quantity: 1 }],
    success_url: 'https://webox.example/profile?checkout=done',
    cancel_url: 'https://webox.example/profile',
  });
  const done = await billing.stripe.completeCheckout(session.id, { deliver: false });
  return { client, id, token, customer, subscription: done.subscription, events: done.events };
}

/** POSTs a signed delivery of the event to the app (signed now, or as `options` say). */
export function deliver(
  app: App,
  stripe: FakeStripe,
  event: StripeObject,
  options: { secret?: string; timestamp?: number } = {},
) {
  const signed = stripe.sign(event, options);
  return app.inject({ method: 'POST', url: '/api/billing/webhook', headers: signed.headers, payload: signed.payload });
}

/** Delivers each event in turn, expecting 200 for each. */
export async function deliverAll(app: App, stripe: FakeStripe, events: StripeObject[]) {
  const statuses: number[] = [];
  for (const event of events) statuses.push((await deliver(app, stripe, event)).statusCode);
  return statuses;
}

/** The user's subscription rows as stored. */
export async function subscriptionRows(app: App, userId: string) {
  return app.billing.subscriptions.forUser(userId);
}

/** An event of `type` about `object`, `created` seconds from now (the fake keeps it, undelivered). */
export const eventAt = (stripe: FakeStripe, type: string, object: StripeObject, offsetSeconds: number) =>
  stripe.event(type, structuredClone(object), { created: Math.floor(Date.now() / 1000) + offsetSeconds });
