// Stripe's webhook events, verified and applied exactly once (DESIGN §6 "Billing"). What an event
// needs from Stripe's API (the subscription behind a completed Checkout, or behind a tie) is read
// first, outside any transaction; then one transaction records the event's id and applies its
// effect, so a delivery that fails applies nothing and Stripe's retry applies it, and two
// instances given the same event at once apply it once (the second waits on the first's insert of
// the id, then finds it). The change is announced on the change bus only after the commit.
//
// Out of order: a subscription's state is taken from the newest source, the greater
// `event.created` (the row keeps the `created` it was applied from); on a tie the subscription is
// read from Stripe's API, which is newer than both.
import type Stripe from 'stripe';
import type { PlanView } from '../../shared/billing.ts';
import type { Database } from '../db/client.ts';
import { billingErrors } from './billing-errors.ts';
import { loadStripe } from './stripe-client.ts';
import {
  invoiceSubscriptionId,
  planForPrice,
  type SubscriptionState,
  type SubscriptionStore,
  subscriptionStateOf,
} from './subscription-store.ts';

/** Stripe signs with a timestamp; older deliveries are refused (Stripe's own default, DESIGN §6). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The part of Stripe's API the handler reads (the SDK client; tests point it at a fake). */
export type SubscriptionReader = Pick<Stripe, 'subscriptions'>;

/**
 * The event in the body, if the `Stripe-Signature` header verifies it against one of the secrets
 * (several while a secret is rotated). Anything else — no secret configured, a missing or malformed
 * header, another secret, an altered body, a timestamp older than the tolerance — is 400
 * invalid_signature, before anything is read or written.
 */
export async function verifyEvent(
  body: Buffer | undefined,
  header: string | string[] | undefined,
  secrets: readonly string[],
): Promise<Stripe.Event> {
  if (!Buffer.isBuffer(body) || typeof header !== 'string' || header.length === 0) {
    throw billingErrors.invalidSignature();
  }
  const Stripe = await loadStripe();
  for (const secret of secrets) {
    try {
      return Stripe.webhooks.constructEvent(body, header, secret, SIGNATURE_TOLERANCE_SECONDS);
    } catch {
      // Not this secret (or not a delivery at all): the next one, then the refusal.
    }
  }
  throw billingErrors.invalidSignature();
}

/** A tie between two events of the same second seen only inside the transaction: Stripe retries. */
class TieDuringApply extends Error {
  override name = 'TieDuringApply';
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

type Effect = (tx: Database) => Promise<void>;

/** What an event does, prepared before its transaction: null when it changes nothing of ours. */
interface Prepared {
  userId: string;
  effect: Effect;
  /** After the commit, for an event this delivery applied (the failed payment's alert). */
  after?: () => Promise<void>;
}

/** A subscription's invoice that failed to pay, as the admins' alert tells it. */
export interface PaymentFailure {
  userId: string;
  invoiceId: string;
  /** What was due, when the invoice is in dollars (micro-dollars); null otherwise. */
  amountMicrousd: number | null;
}

export function createWebhookHandler(options: {
  db: Database;
  store: SubscriptionStore;
  /** null: Stripe is not configured (an event that needs a read then fails, and is retried). */
  stripe: SubscriptionReader | null;
  /** The plans as cached (read inside the transaction: on PGlite it holds the one connection). */
  plans: () => readonly PlanView[];
  /** After a commit: the user's cached billing is dropped on every instance. */
  changed: (userId: string) => Promise<void>;
  /** After the commit of an invoice.payment_failed (never throws: the delivery is done). */
  paymentFailed?: (failure: PaymentFailure) => Promise<void>;
}) {
  const { db, store } = options;

  async function readSubscription(id: string) {
    if (!options.stripe) throw new Error('Stripe is not configured: the subscription cannot be read');
    // Whatever Stripe answers (a 404 included), the delivery fails as a whole: 500, nothing
    // applied, and Stripe delivers it again; never a 4xx carrying Stripe's words.
    const read = await options.stripe.subscriptions.retrieve(id).catch((error: unknown) => {
      throw new Error(`reading subscription ${id} from Stripe failed`, { cause: error });
    });
    return { state: subscriptionStateOf(read), sourceCreated: nowSeconds() };
  }

  /** Writes a subscription state, resolving its plan from the price. */
  async function write(
    tx: Database,
    userId: string,
    source: { state: SubscriptionState; sourceCreated: number },
    kind: 'event' | 'read',
  ) {
    const plan = planForPrice(options.plans(), source.state.stripePriceId);
    return store.apply(tx, { userId, planId: plan?.id ?? null, kind, ...source });
  }

  /** A subscription read from Stripe's API, applied as a read (newer than every event before it). */
  async function fromApi(subscriptionId: string, atLeast: number): Promise<Effect> {
    const read = await readSubscription(subscriptionId);
    const source = { ...read, sourceCreated: Math.max(read.sourceCreated, atLeast) };
    return async (tx) => {
      const userId = await store.userOfCustomer(source.state.stripeCustomerId, tx);
      if (userId) await write(tx, userId, source, 'read');
    };
  }

  async function subscriptionEvent(event: Stripe.Event, object: Stripe.Subscription): Promise<Effect> {
    const stored = await store.get(object.id);
    if (stored && stored.sourceCreated === event.created) return fromApi(object.id, event.created);
    const state = subscriptionStateOf(object);
    // Stripe sends the deleted subscription with its final status; said again, in case.
    if (event.type === 'customer.subscription.deleted') state.status = 'canceled';
    return async (tx) => {
      const userId = await store.userOfCustomer(state.stripeCustomerId, tx);
      if (!userId) return;
      const outcome = await write(tx, userId, { state, sourceCreated: event.created }, 'event');
      if (outcome === 'kept' && (await store.get(object.id, tx))?.sourceCreated === event.created) {
        throw new TieDuringApply(`${event.id}: another event of the same second was applied meanwhile`);
      }
    };
  }

  async function prepare(event: Stripe.Event): Promise<Prepared | null> {
    const customerOf = async (customer: string | { id: string } | null | undefined) => {
      const id = idOf(customer);
      return id ? store.userOfCustomer(id) : null;
    };
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = event.data.object;
        const subscriptionId = idOf(session.subscription);
        const userId = await customerOf(session.customer);
        if (session.mode !== 'subscription' || !subscriptionId || !userId) return null;
        return { userId, effect: await fromApi(subscriptionId, event.created) };
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const object = event.data.object;
        const userId = await customerOf(object.customer);
        if (!userId) return null;
        return { userId, effect: await subscriptionEvent(event, object) };
      }
      case 'invoice.paid': {
        const invoice = event.data.object;
        const userId = await customerOf(invoice.customer);
        if (!userId || !invoice.id) return null;
        const invoiceId = invoice.id;
        const paidAt = invoice.status_transitions?.paid_at ?? event.created;
        return {
          userId,
          effect: async (tx) => {
            await store.invoicePaid(tx, {
              id: invoiceId,
              userId,
              subscriptionId: invoiceSubscriptionId(invoice),
              amountPaid: invoice.amount_paid,
              currency: invoice.currency.toLowerCase(),
              paidAt: new Date(paidAt * 1000),
            });
          },
        };
      }
      case 'invoice.payment_failed': {
        const invoice = event.data.object;
        const subscriptionId = invoiceSubscriptionId(invoice);
        const userId = await customerOf(invoice.customer);
        if (!userId || !subscriptionId || !invoice.id) return null;
        const invoiceId = invoice.id;
        // The grace needs the subscription's row: a failure that arrives first reads it.
        const first = (await store.get(subscriptionId)) ? null : await fromApi(subscriptionId, event.created);
        const due = typeof invoice.amount_due === 'number' ? invoice.amount_due : null;
        const amountMicrousd = due !== null && invoice.currency?.toLowerCase() === 'usd' ? due * 10_000 : null;
        return {
          userId,
          effect: async (tx) => {
            await first?.(tx);
            await store.paymentFailed(tx, { subscriptionId, invoiceId, failedAt: new Date(event.created * 1000) });
          },
          after: async () => options.paymentFailed?.({ userId, invoiceId, amountMicrousd }),
        };
      }
      default:
        return null;
    }
  }

  return {
    /** Applies a verified event once; resolves after its transaction committed. */
    async handle(event: Stripe.Event): Promise<'applied' | 'ignored'> {
      // A replay reads nothing from Stripe (the transaction's insert is what makes it exactly once).
      if (await store.eventApplied(event.id)) return 'ignored';
      const prepared = await prepare(event);
      if (!prepared) return 'ignored';
      const applied = await db.transaction(async (tx) => {
        if (!(await store.recordEvent(tx, event))) return false;
        await prepared.effect(tx);
        return true;
      });
      if (applied) {
        await options.changed(prepared.userId);
        await prepared.after?.();
      }
      return applied ? 'applied' : 'ignored';
    },
  };
}

export type WebhookHandler = ReturnType<typeof createWebhookHandler>;
