// The fake Stripe's wire format, apart from the server: how Stripe's SDK encodes parameters
// (form bodies and query strings with bracketed keys), Stripe's error body, and the JSON objects
// it answers, shaped as the pinned API version (stripe v23, 2026-10-28) has them. Only the
// fields WeBox or its tests read are filled with meaning; the others carry Stripe's defaults so
// the SDK's types describe what arrives.

import { randomBytes } from 'node:crypto';

/** A JSON object as Stripe answers it (every one has `id`, `object`, `livemode`). */
export type StripeObject = Record<string, unknown> & { id: string; object: string };

/** Parameters as Stripe reads them: nested objects, indexed keys as arrays, every leaf a string. */
export type StripeParams = { [key: string]: StripeParam };
export type StripeParam = string | StripeParams | StripeParam[];

export function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * `line_items[0][price]=p&metadata[webox_user_id]=u&expand[]=x` → nested params. Keys whose
 * segments are all indices (or empty, `[]`) become arrays, in index order.
 */
export function parseStripeParams(encoded: string): StripeParams {
  const root: StripeParams = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match) continue;
    const path = [match[1] ?? '', ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '')];
    let node: StripeParams = root;
    for (let i = 0; i < path.length - 1; i++) {
      const segment = path[i] ?? '';
      const next = node[segment];
      if (typeof next === 'object' && !Array.isArray(next)) node = next;
      else node = node[segment] = {};
      // `[]` appends: give it the next free index.
      if (path[i + 1] === '') path[i + 1] = String(Object.keys(node).length);
    }
    node[path[path.length - 1] ?? ''] = value;
  }
  return arraysFromIndices(root) as StripeParams;
}

function arraysFromIndices(param: StripeParam): StripeParam {
  if (typeof param === 'string' || Array.isArray(param)) return param;
  const keys = Object.keys(param);
  const converted = Object.fromEntries(keys.map((key) => [key, arraysFromIndices(param[key] ?? '')]));
  if (keys.length === 0 || !keys.every((key) => /^\d+$/.test(key))) return converted;
  return keys.sort((a, b) => Number(a) - Number(b)).map((key) => converted[key] ?? '');
}

export function paramString(params: StripeParams, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Stripe unsets a metadata key sent empty; the result is what the object then holds. */
export function mergeMetadata(current: unknown, update: StripeParam | undefined): Record<string, string> {
  const merged = { ...(current as Record<string, string> | undefined) };
  if (update === undefined || typeof update === 'string' || Array.isArray(update)) return merged;
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete merged[key];
    else if (typeof value === 'string') merged[key] = value;
  }
  return merged;
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly type: 'invalid_request_error' | 'api_error' | 'idempotency_error';
  readonly code: string | undefined;
  readonly param: string | undefined;

  constructor(status: number, type: StripeApiError['type'], message: string, code?: string, param?: string) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }

  body(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message };
    if (this.code) error.code = this.code;
    if (this.param) error.param = this.param;
    return { error };
  }
}

export function missing(kind: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', param);
}

export function invalid(message: string, param?: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, 'parameter_invalid', param);
}

export function list(url: string, data: unknown[], limit = 10): StripeObject & { data: unknown[] } {
  return { id: '', object: 'list', url, data: data.slice(0, limit), has_more: data.length > limit, livemode: false };
}

export interface PriceSeed {
  id?: string;
  /** null: a one-time price (Stripe's `recurring: null`, `type: one_time`). */
  interval: 'month' | 'year' | null;
  unitAmount: number;
  currency: string;
  active?: boolean;
  product?: string;
}

export function priceObject(seed: PriceSeed): StripeObject {
  return {
    id: seed.id ?? stripeId('price'),
    object: 'price',
    active: seed.active ?? true,
    billing_scheme: 'per_unit',
    created: nowSeconds(),
    currency: seed.currency,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: seed.product ?? stripeId('prod'),
    recurring:
      seed.interval === null
        ? null
        : { interval: seed.interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
    tax_behavior: 'unspecified',
    type: seed.interval === null ? 'one_time' : 'recurring',
    unit_amount: seed.unitAmount,
    unit_amount_decimal: String(seed.unitAmount),
  };
}

export function customerObject(params: StripeParams): StripeObject {
  return {
    id: stripeId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: paramString(params, 'description') ?? null,
    email: paramString(params, 'email') ?? null,
    invoice_prefix: randomBytes(4).toString('hex').toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: mergeMetadata({}, params.metadata),
    name: paramString(params, 'name') ?? null,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

/** One period of `interval` from `start` (seconds); months as 30 days, years as 365: a fake. */
export function periodEnd(start: number, interval: string): number {
  return start + (interval === 'year' ? 365 : 30) * 86_400;
}

export function subscriptionObject(customer: string, price: StripeObject, metadata: Record<string, string>) {
  const id = stripeId('sub');
  const start = nowSeconds();
  const end = periodEnd(start, String((price.recurring as { interval?: string } | null)?.interval));
  const item = {
    id: stripeId('si'),
    object: 'subscription_item',
    created: start,
    current_period_end: end,
    current_period_start: start,
    discounts: [],
    metadata: {},
    price,
    quantity: 1,
    subscription: id,
    tax_rates: [],
  };
  return {
    id,
    object: 'subscription',
    billing_cycle_anchor: start,
    cancel_at: null as number | null,
    cancel_at_period_end: false,
    canceled_at: null as number | null,
    cancellation_details: { comment: null, feedback: null, reason: null as string | null },
    collection_method: 'charge_automatically',
    created: start,
    currency: price.currency,
    // Older API versions had the period on the subscription, newer ones on its items: both here.
    current_period_end: end,
    current_period_start: start,
    customer,
    default_payment_method: null,
    description: null,
    discounts: [],
    ended_at: null as number | null,
    items: { object: 'list', data: [item], has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null as string | null,
    livemode: false,
    metadata,
    pause_collection: null,
    start_date: start,
    status: 'active',
    test_clock: null,
    trial_end: null,
    trial_start: null,
  } satisfies StripeObject;
}

export type FakeSubscription = ReturnType<typeof subscriptionObject>;

export function subscriptionPrice(subscription: FakeSubscription): StripeObject {
  return subscription.items.data[0]?.price as StripeObject;
}

export function invoiceObject(subscription: FakeSubscription, paid: boolean, billingReason: string): StripeObject {
  const price = subscriptionPrice(subscription);
  const amount = Number(price.unit_amount);
  const now = nowSeconds();
  return {
    id: stripeId('in'),
    object: 'invoice',
    amount_due: amount,
    amount_paid: paid ? amount : 0,
    amount_remaining: paid ? 0 : amount,
    attempt_count: 1,
    attempted: true,
    billing_reason: billingReason,
    collection_method: 'charge_automatically',
    created: now,
    currency: price.currency,
    customer: subscription.customer,
    customer_email: null,
    description: null,
    hosted_invoice_url: null,
    lines: {
      object: 'list',
      has_more: false,
      url: '/v1/invoices/lines',
      data: [
        {
          id: stripeId('il'),
          object: 'line_item',
          amount,
          currency: price.currency,
          period: { start: subscription.current_period_start, end: subscription.current_period_end },
          pricing: { type: 'price_details', price_details: { price: price.id, product: price.product } },
          quantity: 1,
        },
      ],
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: paid ? null : now + 86_400,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: subscription.metadata, subscription: subscription.id },
    },
    period_end: subscription.current_period_end,
    period_start: subscription.current_period_start,
    status: paid ? 'paid' : 'open',
    status_transitions: {
      finalized_at: now,
      marked_uncollectible_at: null,
      paid_at: paid ? now : null,
      voided_at: null,
    },
    subtotal: amount,
    total: amount,
  };
}

export function eventObject(
  type: string,
  object: StripeObject,
  options: { created?: number; previousAttributes?: Record<string, unknown>; apiVersion: string },
): StripeObject {
  return {
    id: stripeId('evt'),
    object: 'event',
    api_version: options.apiVersion,
    created: options.created ?? nowSeconds(),
    // A snapshot: later changes to the fake's state do not rewrite an event already built.
    data: {
      object: structuredClone(object),
      ...(options.previousAttributes ? { previous_attributes: options.previousAttributes } : {}),
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}
