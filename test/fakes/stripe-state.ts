// What the fake Stripe holds (prices, customers, sessions, subscriptions, invoices, events) and
// the API routes that read and change it. stripe.ts puts HTTP, keys, idempotency and webhooks
// around it. A route throws StripeApiError for Stripe's error answers.

import type { FakeSubscription, PriceSeed, StripeObject, StripeParams } from './stripe-objects.ts';
import {
  customerObject,
  eventObject,
  invalid,
  invoiceObject,
  list,
  mergeMetadata,
  missing,
  nowSeconds,
  paramString,
  periodEnd,
  priceObject,
  stripeId,
  subscriptionObject,
  subscriptionPrice,
} from './stripe-objects.ts';

export type SubscriptionChanges = Partial<
  Pick<FakeSubscription, 'status' | 'cancel_at_period_end' | 'cancel_at' | 'current_period_end' | 'metadata'>
>;

export interface ApiRoute {
  method: string;
  /** The first group, when there is one, is the object's id. */
  pattern: RegExp;
  handle(params: StripeParams, id: string): unknown;
}

export type StripeState = ReturnType<typeof createStripeState>;

export function createStripeState(apiVersion: string, origin: () => string) {
  const prices = new Map<string, StripeObject>();
  const customers = new Map<string, StripeObject>();
  const sessions = new Map<string, StripeObject>();
  const portals = new Map<string, StripeObject>();
  const subscriptions = new Map<string, FakeSubscription>();
  const invoices = new Map<string, StripeObject>();
  const events = new Map<string, StripeObject>();
  const eventLog: StripeObject[] = [];

  const event = (
    type: string,
    object: StripeObject,
    extra: { created?: number; previousAttributes?: Record<string, unknown> } = {},
  ) => {
    const built = stored(events, eventObject(type, object, { apiVersion, ...extra }));
    eventLog.push(built);
    return built;
  };

  const subscription = (id: string) => found(subscriptions, 'subscription', id);

  /** A customer Stripe still has: a deleted one is missing to everything but its own retrieve. */
  const liveCustomer = (id: string, param = 'id') => {
    const customer = found(customers, 'customer', id, param);
    if (customer.deleted === true) throw missing('customer', id, param);
    return customer;
  };

  const updateSubscription = (id: string, changes: SubscriptionChanges): StripeObject => {
    const changed = subscription(id);
    const previous = Object.fromEntries(Object.keys(changes).map((key) => [key, changed[key as keyof typeof changes]]));
    Object.assign(changed, changes);
    if (changes.current_period_end !== undefined) {
      for (const item of changed.items.data) item.current_period_end = changes.current_period_end;
    }
    return event('customer.subscription.updated', changed, { previousAttributes: previous });
  };

  const deleteSubscription = (id: string): StripeObject => {
    const deleted = subscription(id);
    const now = nowSeconds();
    Object.assign(deleted, { status: 'canceled', canceled_at: now, ended_at: now });
    deleted.cancellation_details.reason = 'cancellation_requested';
    return event('customer.subscription.deleted', deleted);
  };

  /**
   * What deleting a customer does in Stripe: its subscriptions cancelled at once (their events,
   * then customer.deleted), and only a stub `{id, object, deleted: true}` left to retrieve.
   */
  const deleteCustomer = (id: string): StripeObject => {
    const customer = liveCustomer(id);
    for (const owned of subscriptions.values()) {
      if (owned.customer === id && owned.status !== 'canceled') deleteSubscription(owned.id);
    }
    event('customer.deleted', customer);
    return stored(customers, { id, object: 'customer', deleted: true });
  };

  const addInvoice = (owner: FakeSubscription, paid: boolean, reason: string) => {
    const invoice = stored(invoices, invoiceObject(owner, paid, reason));
    owner.latest_invoice = invoice.id;
    return invoice;
  };

  /** A renewal: paid, one more period; failed, past due. Its events, in Stripe's order. */
  const renew = (id: string, paid: boolean): StripeObject[] => {
    const renewed = subscription(id);
    if (!paid) {
      const invoice = addInvoice(renewed, false, 'subscription_cycle');
      return [event('invoice.payment_failed', invoice), updateSubscription(id, { status: 'past_due' })];
    }
    const start = renewed.current_period_end;
    const interval = (subscriptionPrice(renewed).recurring as { interval: string }).interval;
    renewed.current_period_start = start;
    for (const item of renewed.items.data) item.current_period_start = start;
    const invoice = addInvoice(renewed, true, 'subscription_cycle');
    return [
      event('invoice.paid', invoice),
      updateSubscription(id, { status: 'active', current_period_end: periodEnd(start, interval) }),
    ];
  };

  /** A paid Checkout; a session already complete gives its subscription and no new event. */
  const completeCheckout = (sessionId: string) => {
    const session = found(sessions, 'checkout.session', sessionId);
    if (session.status === 'complete') {
      const existing = subscription(String(session.subscription));
      return {
        subscription: existing,
        invoice: invoices.get(String(existing.latest_invoice)) as StripeObject,
        events: [],
      };
    }
    const price = (session.line_items as { price: StripeObject }[])[0]?.price as StripeObject;
    // Without a customer, Checkout makes one from what the buyer typed (here: customer_email).
    if (session.customer === null) {
      session.customer = stored(customers, customerObject({ email: String(session.customer_email ?? '') })).id;
    }
    const created = subscriptionObject(String(session.customer), price, session.subscription_metadata as never);
    subscriptions.set(created.id, created);
    const invoice = addInvoice(created, true, 'subscription_create');
    Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: created.id });
    const built = [
      event('checkout.session.completed', publicSession(session)),
      event('customer.subscription.created', created),
      event('invoice.paid', invoice),
    ];
    return { subscription: created, invoice, events: built };
  };

  const createSession = (p: StripeParams): StripeObject => {
    if (paramString(p, 'mode') !== 'subscription') throw invalid('This fake only makes subscription sessions.', 'mode');
    const customer = paramString(p, 'customer');
    if (customer) liveCustomer(customer, 'customer');
    const items = Array.isArray(p.line_items) ? p.line_items : [];
    if (items.length === 0) throw invalid('`line_items` is required in subscription mode.', 'line_items');
    const lineItems = items.map((item, index) => {
      const param = `line_items[${index}][price]`;
      const fields = typeof item === 'object' && !Array.isArray(item) ? item : {};
      const price = found(prices, 'price', paramString(fields, 'price') ?? '', param);
      if (price.type !== 'recurring') throw invalid('Subscription mode takes recurring prices only.', param);
      if (price.active !== true) throw invalid('The price specified is inactive.', param);
      return { price, quantity: Number(paramString(fields, 'quantity') ?? 1) };
    });
    const id = stripeId('cs_test');
    return stored(sessions, {
      id,
      object: 'checkout.session',
      cancel_url: paramString(p, 'cancel_url') ?? null,
      client_reference_id: paramString(p, 'client_reference_id') ?? null,
      created: nowSeconds(),
      currency: lineItems[0]?.price.currency,
      customer: customer ?? null,
      customer_email: paramString(p, 'customer_email') ?? null,
      expires_at: nowSeconds() + 86_400,
      livemode: false,
      metadata: mergeMetadata({}, p.metadata),
      mode: 'subscription',
      payment_status: 'unpaid',
      status: 'open',
      subscription: null,
      success_url: paramString(p, 'success_url') ?? null,
      url: `${origin()}/checkout/${id}`,
      // Kept off the wire (publicSession): Stripe shows line items only when expanded.
      line_items: lineItems,
      subscription_metadata: mergeMetadata({}, (p.subscription_data as StripeParams | undefined)?.metadata),
    });
  };

  const createPortal = (p: StripeParams): StripeObject => {
    const customer = liveCustomer(paramString(p, 'customer') ?? '', 'customer');
    const id = stripeId('bps');
    return stored(portals, {
      id,
      object: 'billing_portal.session',
      configuration: 'bpc_fake',
      created: nowSeconds(),
      customer: customer.id,
      flow: null,
      livemode: false,
      locale: null,
      on_behalf_of: null,
      return_url: paramString(p, 'return_url') ?? null,
      url: `${origin()}/portal/${id}`,
    });
  };

  const updateFromApi = (p: StripeParams, id: string) => {
    const changes: SubscriptionChanges = {};
    const cancel = paramString(p, 'cancel_at_period_end');
    if (cancel !== undefined) {
      changes.cancel_at_period_end = cancel === 'true';
      changes.cancel_at = cancel === 'true' ? subscription(id).current_period_end : null;
    }
    if (p.metadata !== undefined) changes.metadata = mergeMetadata(subscription(id).metadata, p.metadata);
    updateSubscription(id, changes);
    return subscription(id);
  };

  const listSubscriptions = (p: StripeParams) => {
    const status = paramString(p, 'status');
    // A deleted customer's subscriptions are not listed: Stripe answers that there is no such
    // customer. (An id it never had lists nothing here, which is all the tests need of it.)
    const customer = paramString(p, 'customer');
    if (customer && customers.get(customer)?.deleted === true) throw missing('customer', customer, 'customer');
    // Stripe's default leaves cancelled subscriptions out; `all` keeps them.
    const kept = newestFirst(subscriptions)
      .filter(matching(p, ['customer']))
      .filter((s) => (status === 'all' ? true : status ? s.status === status : s.status !== 'canceled'));
    return list('/v1/subscriptions', kept, limitOf(p));
  };

  const listInvoices = (p: StripeParams) => {
    const wanted = paramString(p, 'subscription');
    const ofSubscription = (invoice: StripeObject) =>
      !wanted ||
      (invoice.parent as { subscription_details: { subscription: string } }).subscription_details.subscription ===
        wanted;
    const kept = newestFirst(invoices)
      .filter(matching(p, ['customer', 'status']))
      .filter(ofSubscription);
    return list('/v1/invoices', kept, limitOf(p));
  };

  const routes: ApiRoute[] = [
    { method: 'GET', pattern: /^\/v1\/prices\/([^/]+)$/, handle: (_p, id) => found(prices, 'price', id) },
    {
      method: 'GET',
      pattern: /^\/v1\/prices$/,
      handle: (p) => list('/v1/prices', newestFirst(prices).filter(matching(p, ['active'])), limitOf(p)),
    },
    { method: 'POST', pattern: /^\/v1\/customers$/, handle: (p) => stored(customers, customerObject(p)) },
    { method: 'GET', pattern: /^\/v1\/customers\/([^/]+)$/, handle: (_p, id) => found(customers, 'customer', id) },
    { method: 'DELETE', pattern: /^\/v1\/customers\/([^/]+)$/, handle: (_p, id) => deleteCustomer(id) },
    {
      method: 'GET',
      pattern: /^\/v1\/customers$/,
      handle: (p) => {
        const kept = newestFirst(customers).filter((c) => c.deleted !== true && matching(p, ['email'])(c));
        return list('/v1/customers', kept, limitOf(p));
      },
    },
    { method: 'POST', pattern: /^\/v1\/checkout\/sessions$/, handle: (p) => publicSession(createSession(p)) },
    {
      method: 'GET',
      pattern: /^\/v1\/checkout\/sessions\/([^/]+)$/,
      handle: (_p, id) => publicSession(found(sessions, 'checkout.session', id)),
    },
    { method: 'POST', pattern: /^\/v1\/billing_portal\/sessions$/, handle: createPortal },
    { method: 'GET', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handle: (_p, id) => subscription(id) },
    { method: 'GET', pattern: /^\/v1\/subscriptions$/, handle: listSubscriptions },
    { method: 'POST', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handle: updateFromApi },
    {
      method: 'DELETE',
      pattern: /^\/v1\/subscriptions\/([^/]+)$/,
      handle: (_p, id) => {
        deleteSubscription(id);
        return subscription(id);
      },
    },
    { method: 'GET', pattern: /^\/v1\/invoices$/, handle: listInvoices },
    { method: 'GET', pattern: /^\/v1\/invoices\/([^/]+)$/, handle: (_p, id) => found(invoices, 'invoice', id) },
    { method: 'GET', pattern: /^\/v1\/events\/([^/]+)$/, handle: (_p, id) => found(events, 'event', id) },
  ];

  return {
    routes,
    /** Every event built, oldest first. */
    events: eventLog,
    sessions,
    portals,
    addPrice: (seed: PriceSeed) => stored(prices, priceObject(seed)),
    customer: (id: string) => customers.get(id),
    checkoutSession: (id: string) => sessions.get(id),
    subscription: (id: string) => subscriptions.get(id),
    event,
    updateSubscription,
    deleteSubscription,
    deleteCustomer,
    renew,
    completeCheckout,
  };
}

function stored<T extends StripeObject>(map: Map<string, T>, object: T): T {
  map.set(object.id, object);
  return object;
}

function found<T extends StripeObject>(map: Map<string, T>, kind: string, id: string, param = 'id'): T {
  const object = map.get(id);
  if (!object) throw missing(kind, id, param);
  return object;
}

function newestFirst<T>(map: Map<string, T>): T[] {
  return [...map.values()].reverse();
}

/** The session as Stripe shows it: no line items (not expanded here), no fake-only fields. */
function publicSession(session: StripeObject): StripeObject {
  const { line_items: _items, subscription_metadata: _metadata, ...shown } = session;
  return shown as StripeObject;
}

/** List filters: each field given in the parameters must equal the object's. */
function matching(params: StripeParams, fields: string[]) {
  return (object: StripeObject) =>
    fields.every((field) => {
      const wanted = paramString(params, field);
      return wanted === undefined || String(object[field]) === wanted;
    });
}

function limitOf(params: StripeParams): number {
  const limit = Number(paramString(params, 'limit') ?? 10);
  return Number.isInteger(limit) && limit >= 1 && limit <= 100 ? limit : 10;
}
