// A fake Stripe API on node:http, for the billing tests: the real `stripe` SDK reaches it through
// WEBOX_STRIPE_API_URL (an origin; the SDK adds /v1) and cannot tell it from Stripe for what
// WeBox uses: prices, customers (deleted ones too), Checkout and Portal sessions, subscriptions, invoices, events.
// The test drives the rest through plain methods: completing a Checkout, changing a subscription,
// and building, signing and delivering webhook events (in order, twice, or never).
//
//   const stripe = await startFakeStripe();
//   const price = stripe.addPrice({ interval: 'month', unitAmount: 900, currency: 'eur' });
//   … start WeBox with stripe.env, then stripe.setWebhook(`${origin}/api/billing/webhook`, secret) …
//   const { deliveries } = await stripe.completeCheckout(sessionId);
//   await stripe.close();
//
// Events made by API calls (a cancel through the SDK) are built and kept in `events`, not
// delivered: a test delivers what it wants, when it wants. The same goes for the mutation helpers.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { FakeSubscription, PriceSeed, StripeObject, StripeParams } from './stripe-objects.ts';
import { parseStripeParams, StripeApiError, stripeId } from './stripe-objects.ts';
import type { SubscriptionChanges } from './stripe-state.ts';
import { createStripeState } from './stripe-state.ts';

export type { FakeSubscription, PriceSeed, StripeObject, StripeParams } from './stripe-objects.ts';
export type { SubscriptionChanges } from './stripe-state.ts';

export interface StripeRequest {
  method: string;
  /** e.g. `/v1/checkout/sessions`, without the query. */
  path: string;
  /** The form body (POST) or the query (GET, DELETE), parsed as Stripe parses it. */
  params: StripeParams;
  idempotencyKey: string | null;
  /** The bearer token sent, as received. */
  apiKey: string | null;
  status: number;
}

export interface Delivery {
  event: StripeObject;
  status: number;
  body: string;
}

export interface SignedEvent {
  payload: string;
  headers: { 'content-type': string; 'stripe-signature': string };
}

export interface FakeStripe {
  /** Stripe's API origin here: the value of WEBOX_STRIPE_API_URL. */
  origin: string;
  secretKey: string;
  /** STRIPE_SECRET_KEY and WEBOX_STRIPE_API_URL, ready to merge into WeBox's environment. */
  env: Record<string, string>;
  /** Every request, oldest first (injected failures and refused keys included). */
  requests: StripeRequest[];
  /** Every event built, oldest first, delivered or not. */
  events: StripeObject[];
  /** A price as the operator made it in Stripe's dashboard (`interval: null`: one-time). */
  addPrice(seed: PriceSeed): StripeObject;
  customer(id: string): StripeObject | undefined;
  checkoutSession(id: string): StripeObject | undefined;
  /** The live object: changing it changes what the API answers, without an event. */
  subscription(id: string): FakeSubscription | undefined;
  /** Where deliveries go, and the secret (`whsec_…`) that signs them. */
  setWebhook(url: string, secret: string): void;
  /**
   * What a paid Checkout does: an active subscription, a paid invoice, and the events
   * checkout.session.completed, customer.subscription.created, invoice.paid, delivered in that
   * order (each awaited) unless `deliver` is false. Completing a session twice does nothing more.
   */
  completeCheckout(
    sessionId: string,
    options?: { deliver?: boolean },
  ): Promise<{ subscription: FakeSubscription; invoice: StripeObject; events: StripeObject[]; deliveries: Delivery[] }>;
  /** Changes a subscription → its customer.subscription.updated event (previous_attributes filled). */
  updateSubscription(id: string, changes: SubscriptionChanges): StripeObject;
  /**
   * Deletes a customer as the dashboard does: its live subscriptions cancelled now
   * (customer.subscription.deleted each, then customer.deleted, kept and not delivered). Then a
   * retrieve answers `{id, object: 'customer', deleted: true}`, and a session or a subscription
   * list naming it answers 404 resource_missing (param `customer`).
   */
  deleteCustomer(id: string): StripeObject;
  /** Cancels it now → customer.subscription.deleted. */
  deleteSubscription(id: string): StripeObject;
  /** A renewal whose payment fails: an open invoice, past due → [invoice.payment_failed, customer.subscription.updated]. */
  failPayment(subscriptionId: string): StripeObject[];
  /** A renewal paid: a paid invoice, one more period, active → [invoice.paid, customer.subscription.updated]. */
  payRenewal(subscriptionId: string): StripeObject[];
  /** An event of any type around a snapshot of `object` (kept in `events` and GET /v1/events/:id). */
  event(type: string, object: StripeObject, options?: { created?: number }): StripeObject;
  /** The body and headers of a delivery, signed now (or at `timestamp`) with the webhook secret (or `secret`). */
  sign(event: StripeObject, options?: { secret?: string; timestamp?: number }): SignedEvent;
  /** POSTs the events, signed, one after the other, to the webhook URL; resolves with the answers. */
  deliver(...events: StripeObject[]): Promise<Delivery[]>;
  /** The next `times` (default 1) requests whose path is `path` (or matches it) answer 500 api_error. */
  failNext(path: string | RegExp, times?: number): void;
  close(): Promise<void>;
}

export async function startFakeStripe(options: { secretKey?: string } = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? `sk_test_${stripeId('fake')}`;
  const requests: StripeRequest[] = [];
  const idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  const failures: { path: string | RegExp; remaining: number }[] = [];
  let webhook: { url: string; secret: string } | null = null;
  let origin = '';
  const state = createStripeState(Stripe.API_VERSION, () => origin);

  const sign: FakeStripe['sign'] = (event, signOptions = {}) => {
    const secret = signOptions.secret ?? webhook?.secret;
    if (!secret) throw new Error('fake Stripe: setWebhook(url, secret) first, or pass a secret');
    // Stripe sends its events pretty-printed; the signature covers these exact bytes.
    const payload = JSON.stringify(event, null, 2);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: signOptions.timestamp });
    return { payload, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header } };
  };

  const deliver: FakeStripe['deliver'] = async (...toDeliver) => {
    const target = webhook?.url;
    if (!target) throw new Error('fake Stripe: setWebhook(url, secret) before delivering');
    const deliveries: Delivery[] = [];
    for (const event of toDeliver) {
      const signed = sign(event);
      const response = await fetch(target, { method: 'POST', headers: signed.headers, body: signed.payload });
      deliveries.push({ event, status: response.status, body: await response.text() });
    }
    return deliveries;
  };

  const completeCheckout: FakeStripe['completeCheckout'] = async (sessionId, completeOptions = {}) => {
    const completed = state.completeCheckout(sessionId);
    const deliveries = completeOptions.deliver === false ? [] : await deliver(...completed.events);
    return { ...completed, deliveries };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const params = parseStripeParams(method === 'POST' ? raw : url.search.slice(1));
    const idempotencyKey = headerValue(req, 'idempotency-key');
    const apiKey = /^Bearer\s+(.+)$/i.exec(headerValue(req, 'authorization') ?? '')?.[1] ?? null;
    const entry: StripeRequest = { method, path: url.pathname, params, idempotencyKey, apiKey, status: 0 };
    requests.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': stripeId('req'), ...headers });
      res.end(JSON.stringify(body, null, 2));
    };
    const sendError = (error: StripeApiError) => send(error.status, error.body());

    if (method === 'GET' && /^\/(checkout|portal)\//.test(url.pathname)) return page(url.pathname, res, entry);

    if (apiKey !== secretKey) {
      // Stripe shows a refused key masked, as here: a test can check it never reaches a response.
      const shown = apiKey ? `${apiKey.slice(0, 8)}********${apiKey.slice(-4)}` : '';
      const message = apiKey ? `Invalid API Key provided: ${shown}` : 'You did not provide an API key.';
      return sendError(new StripeApiError(401, 'invalid_request_error', message, 'api_key_invalid'));
    }
    const failure = failures.find((f) => f.remaining > 0 && pathMatches(f.path, url.pathname));
    if (failure) {
      failure.remaining -= 1;
      return sendError(new StripeApiError(500, 'api_error', 'An unknown error occurred (fake Stripe failure).'));
    }

    // Stripe keeps a key's first result for a POST and replays it; other parameters are refused.
    const fingerprint = `${method} ${url.pathname} ${raw}`;
    const previous = method === 'POST' && idempotencyKey ? idempotent.get(idempotencyKey) : undefined;
    if (previous?.fingerprint === fingerprint) {
      return send(previous.status, previous.body, { 'idempotent-replayed': 'true' });
    }
    if (previous) {
      const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`;
      return sendError(new StripeApiError(400, 'idempotency_error', message));
    }

    const route = state.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route) {
      return sendError(
        new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${url.pathname}).`),
      );
    }
    const id = decodeURIComponent(route.pattern.exec(url.pathname)?.[1] ?? '');
    try {
      const body = route.handle(params, id);
      // Only executed requests are kept: Stripe saves no result for refused parameters.
      if (method === 'POST' && idempotencyKey) idempotent.set(idempotencyKey, { fingerprint, status: 200, body });
      send(200, body);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      sendError(error);
    }
  };

  // The hosted pages: a browser sent to a session's `url` pays at once and comes back to WeBox.
  const page = async (path: string, res: ServerResponse, entry: StripeRequest) => {
    const [, kind, id = '', action] = path.split('/');
    let location: string | null = null;
    const session = kind === 'checkout' ? state.sessions.get(id) : undefined;
    const portal = kind === 'portal' ? state.portals.get(id) : undefined;
    if (session && action === 'cancel') location = String(session.cancel_url);
    else if (session) {
      await completeCheckout(id);
      location = String(session.success_url).replace('{CHECKOUT_SESSION_ID}', id);
    } else if (typeof portal?.return_url === 'string') location = portal.return_url;
    entry.status = location ? 303 : 404;
    res.writeHead(entry.status, location ? { location } : { 'content-type': 'text/plain' });
    res.end(location ? '' : 'No such session.');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(new StripeApiError(500, 'api_error', String(error)).body()));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    secretKey,
    env: { STRIPE_SECRET_KEY: secretKey, WEBOX_STRIPE_API_URL: origin },
    requests,
    events: state.events,
    addPrice: state.addPrice,
    customer: state.customer,
    checkoutSession: state.checkoutSession,
    subscription: state.subscription,
    setWebhook(url, secret) {
      webhook = { url, secret };
    },
    completeCheckout,
    updateSubscription: state.updateSubscription,
    deleteSubscription: state.deleteSubscription,
    deleteCustomer: state.deleteCustomer,
    failPayment: (id) => state.renew(id, false),
    payRenewal: (id) => state.renew(id, true),
    event: (type, object, eventOptions = {}) => state.event(type, object, eventOptions),
    sign,
    deliver,
    failNext(path, times = 1) {
      failures.push({ path, remaining: times });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (the SDK pools them) would hold close() open.
        server.closeAllConnections();
      });
    },
  };
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
