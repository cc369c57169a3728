// The official Stripe SDK, configured from the configuration (STRIPE_SECRET_KEY, and
// WEBOX_STRIPE_API_URL split into the host, port and protocol the SDK takes), or null when billing
// is off. Every call WeBox makes goes through callStripe, so a failure reaches a response as one
// stable code saying what failed, never Stripe's own text (which can quote a masked key) or the key.
import type Stripe from 'stripe';
import type { Config } from '../config.ts';
import { onFirstUse } from '../on-first-use.ts';
import { billingErrors } from './billing-errors.ts';

export type StripeClient = Stripe;

/**
 * Stripe's SDK, imported when billing is on (the client is made at start-up then) or when a
 * webhook or an error needs it: with billing off, an instance never loads it (issue 13).
 */
export const loadStripe = onFirstUse(async () => (await import('stripe')).default);

/**
 * Retries: the SDK retries a failed connection, a 409 and a 5xx with the same Idempotency-Key,
 * so a retry never does a creating call twice. Two retries is the SDK's own default, said here
 * so that a test knows how many failures exhaust them.
 */
export const STRIPE_NETWORK_RETRIES = 2;

/** Longer than a Checkout Session's creation takes, short enough that a user is not left waiting. */
const STRIPE_TIMEOUT_MS = 20_000;

export async function createStripeClient(billing: Config['billing']): Promise<StripeClient | null> {
  if (billing.stripeSecretKey === undefined) return null;
  const Stripe = await loadStripe();
  const url = new URL(billing.stripeApiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(billing.stripeSecretKey, {
    host: url.hostname,
    port: url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port),
    protocol,
    maxNetworkRetries: STRIPE_NETWORK_RETRIES,
    timeout: STRIPE_TIMEOUT_MS,
    // Latency reports to Stripe about earlier requests: nothing Stripe needs from a self-hosted box.
    telemetry: false,
    appInfo: { name: 'WeBox' },
  });
}

/**
 * Stripe's answer to a request that named something it does not have; with `param`, only when
 * that parameter is what was missing (`customer`: a customer deleted in Stripe's dashboard).
 */
export function isStripeResourceMissing(error: unknown, param?: string): boolean {
  // `type` is the SDK's documented discriminator of its error classes (each subclass sets its own
  // name there): read without the SDK's module at hand, since only a Stripe call throws these.
  const candidate = error as Partial<Stripe.errors.StripeInvalidRequestError> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.type === 'StripeInvalidRequestError' &&
    candidate.code === 'resource_missing' &&
    (param === undefined || candidate.param === param)
  );
}

/**
 * Runs one call to Stripe. A Stripe error (refused, failing, unreachable) becomes 502
 * provider_error naming `what` failed; the SDK's error is kept only as the cause, which the logger
 * serialises to a fixed set of scrubbed fields. Anything else is not Stripe's and goes on as it is.
 */
export async function callStripe<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // A Stripe call made the client, so the import is done: this await is the cached module.
    const Stripe = await loadStripe();
    if (error instanceof Stripe.errors.StripeError) throw billingErrors.stripeFailed(what, error);
    throw error;
  }
}
