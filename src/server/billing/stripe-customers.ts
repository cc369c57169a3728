// One Stripe customer per user, created once and remembered in billing_customer, and the one
// question Checkout asks of the subscriptions: does this user have a live one already?
//
// Once, even when two requests race: both send the same Idempotency-Key (derived from the user
// and the email sent), so Stripe answers both with the same customer; both then insert the same
// row, and the loser of the primary key reads the winner's. Stripe keeps an idempotency key for
// 24 hours: a row is written within moments of the call, so a later call finds the row instead.
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { billingCustomer, subscription } from '../db/schema/billing.ts';
import { callStripe, type StripeClient } from './stripe-client.ts';

/** Stripe's statuses that hold a subscription: a second Checkout would make the user pay twice. */
const LIVE_STATUSES = ['active', 'trialing', 'past_due'];

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

  return {
    customerId,

    /** The user's Stripe customer, created (with the WeBox user id in its metadata) the first time. */
    async ensureCustomer(owner: CustomerOwner): Promise<string> {
      const known = await customerId(owner.id);
      if (known) return known;
      // The email is part of the key: the same key with other parameters is refused by Stripe.
      const emailDigest = createHash('sha256').update(owner.email).digest('hex').slice(0, 16);
      const created = await callStripe('creating your billing account', () =>
        stripe.customers.create(
          { email: owner.email, metadata: { webox_user_id: owner.id } },
          { idempotencyKey: `webox-customer-${owner.id}-${emailDigest}` },
        ),
      );
      await db
        .insert(billingCustomer)
        .values({ userId: owner.id, stripeCustomerId: created.id })
        .onConflictDoNothing({ target: billingCustomer.userId });
      const stored = await customerId(owner.id);
      if (!stored) throw new Error('billing_customer row missing after insert');
      return stored;
    },

    /** Whether a subscription row of the user is in a status that holds it (webhooks write them). */
    async hasLiveSubscription(userId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: subscription.id })
        .from(subscription)
        .where(and(eq(subscription.userId, userId), inArray(subscription.status, LIVE_STATUSES)))
        .limit(1);
      return row !== undefined;
    },
  };
}

export type StripeCustomers = ReturnType<typeof createStripeCustomers>;
