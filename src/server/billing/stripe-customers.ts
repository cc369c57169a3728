// One Stripe customer per user, created once and remembered in billing_customer, and what
// Checkout asks before it opens a session: does this user hold a live subscription already, in
// WeBox's rows or (before the webhook has come) in Stripe, and does Stripe still have the customer?
//
// Once, even when two requests race: both send the same Idempotency-Key (derived from the user
// and the email sent), so Stripe answers both with the same customer; both then insert the same
// row, and the loser of the primary key reads the winner's. Stripe keeps an idempotency key for
// 24 hours: a row is written within moments of the call, so a later call finds the row instead.
//
// A customer deleted in Stripe's dashboard is replaced by a new one, under a key that names the
// deleted customer (the first creation's key would replay the deleted one for 24 hours); the row
// moves to it only if it still names the deleted one, so two replacements racing, sharing that
// key, end on the same new customer.
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { billingCustomer, subscription } from '../db/schema/billing.ts';
import { billingErrors } from './billing-errors.ts';
import { callStripe, isStripeResourceMissing, type StripeClient } from './stripe-client.ts';

/** Stripe's statuses that hold a subscription: a second Checkout would make the user pay twice. */
const LIVE_STATUSES = ['active', 'trialing', 'past_due'];

/**
 * How many of the customer's subscriptions, newest first and cancelled ones included, a Checkout
 * reads. A live one is among the newest: no Checkout is opened while one is live, so only older
 * ones, ended, come after it.
 */
const SUBSCRIPTIONS_READ = 10;

export interface CustomerOwner {
  id: string;
  email: string;
}

export function createStripeCustomers(db: Database, stripe: StripeClient) {
  async function customerId(userId: string): Promise<string | null> {
    const [row] = await db
      .select({ id: billingCustomer.stripeCustomerId })
      .from(billingCustomer)
      .where(eq(billingCustomer.userId, userId));
    return row?.id ?? null;
  }

  /** A new Stripe customer for the user. The email is in the key: the same key with other parameters is refused. */
  async function createCustomer(owner: CustomerOwner, replacing?: string): Promise<string> {
    const emailDigest = createHash('sha256').update(owner.email).digest('hex').slice(0, 16);
    const key = `webox-customer-${owner.id}-${emailDigest}${replacing ? `-after-${replacing}` : ''}`;
    const created = await callStripe('creating your billing account', () =>
      stripe.customers.create({ email: owner.email, metadata: { webox_user_id: owner.id } }, { idempotencyKey: key }),
    );
    return created.id;
  }

  async function storedCustomer(userId: string): Promise<string> {
    const stored = await customerId(userId);
    if (!stored) throw new Error('billing_customer row missing after writing it');
    return stored;
  }

  /** The user's Stripe customer, created (with the WeBox user id in its metadata) the first time. */
  async function ensureCustomer(owner: CustomerOwner): Promise<string> {
    const known = await customerId(owner.id);
    if (known) return known;
    const created = await createCustomer(owner);
    await db
      .insert(billingCustomer)
      .values({ userId: owner.id, stripeCustomerId: created })
      .onConflictDoNothing({ target: billingCustomer.userId });
    return storedCustomer(owner.id);
  }

  /** A new customer in place of `gone`, which Stripe no longer has; answers the one the row names after. */
  async function replaceCustomer(owner: CustomerOwner, gone: string): Promise<string> {
    const created = await createCustomer(owner, gone);
    await db
      .update(billingCustomer)
      .set({ stripeCustomerId: created, createdAt: new Date() })
      .where(and(eq(billingCustomer.userId, owner.id), eq(billingCustomer.stripeCustomerId, gone)));
    return storedCustomer(owner.id);
  }

  return {
    customerId,
    ensureCustomer,
    replaceCustomer,

    /** Whether a subscription row of the user is in a status that holds it (webhooks write them). */
    async hasLiveSubscription(userId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: subscription.id })
        .from(subscription)
        .where(and(eq(subscription.userId, userId), inArray(subscription.status, LIVE_STATUSES)))
        .limit(1);
      return row !== undefined;
    },

    /**
     * The customer a Checkout is opened for. A user who has one already is asked about in Stripe
     * too (one list call): a subscription paid a moment ago, whose webhook has not come yet,
     * answers 409 already_subscribed as a row would; a customer Stripe no longer has is replaced.
     */
    async customerForCheckout(owner: CustomerOwner): Promise<string> {
      const known = await customerId(owner.id);
      if (!known) return ensureCustomer(owner);
      const listed = await callStripe('reading your subscriptions', async () => {
        try {
          return await stripe.subscriptions.list({ customer: known, status: 'all', limit: SUBSCRIPTIONS_READ });
        } catch (error) {
          if (isStripeResourceMissing(error, 'customer')) return null;
          throw error;
        }
      });
      if (listed === null) return replaceCustomer(owner, known);
      if (listed.data.some((held) => LIVE_STATUSES.includes(held.status))) throw billingErrors.alreadySubscribed();
      return known;
    },
  };
}

export type StripeCustomers = ReturnType<typeof createStripeCustomers>;
