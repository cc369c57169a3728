// Stripe's side of billing as WeBox holds it: the subscriptions as last applied, the events applied
// (each once, recorded in the transaction of its effect), the paid invoices and the customers' owners.
// Only the webhook handler and `webox billing sync` write here; billing-access.ts reads a user's
// subscriptions through `forUser` (cached).
//
// Out-of-order safety lives in the SQL: every write of a subscription carries the `created` of its
// source (the event, or the moment of a read from Stripe's API) and the upsert only replaces a row
// whose source is older, so two instances applying events in any order end on the newest state.
import { and, eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { BillingView, PlanView } from '../../shared/billing.ts';
import type { Database } from '../db/client.ts';
import { billingCustomer, billingInvoice, stripeEvent, subscription } from '../db/schema/billing.ts';

export type SubscriptionRow = typeof subscription.$inferSelect;

/** A subscription's status in the contract's words (a grant's `granted` is the access decision's). */
export type SubscriptionStatus = Exclude<BillingView['status'], 'granted'>;

/** Stripe's statuses as WeBox shows them (DESIGN §6): incomplete is none, paused is unpaid. */
const SHOWN_STATUS: Record<string, SubscriptionStatus> = {
  active: 'active',
  trialing: 'trialing',
  past_due: 'past_due',
  canceled: 'canceled',
  unpaid: 'unpaid',
  incomplete: 'none',
  incomplete_expired: 'canceled',
  paused: 'unpaid',
};

/** The one mapping from Stripe's word (stored as is) to the contract's, for the access and the revenue view. */
export const shownStatus = (stripeStatus: string): SubscriptionStatus => SHOWN_STATUS[stripeStatus] ?? 'none';

/** What a Stripe subscription object says, as the row's columns (its owner and plan resolved apart). */
export interface SubscriptionState {
  id: string;
  stripeCustomerId: string;
  stripePriceId: string | null;
  interval: 'month' | 'year' | null;
  /** Per interval, in the currency's minor unit: the price's unit amount times the quantity. */
  amount: number | null;
  currency: string | null;
  /** Stripe's own word (active, past_due, incomplete_expired…): billing-access.ts maps it. */
  status: string;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/** Stripe's states that never change again: a later write can no longer revive the subscription. */
const TERMINAL = ['canceled', 'incomplete_expired'];

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

const instant = (seconds: number | null | undefined) => (typeof seconds === 'number' ? new Date(seconds * 1000) : null);

export function subscriptionStateOf(object: Stripe.Subscription): SubscriptionState {
  const item = object.items?.data?.[0];
  const price = item?.price;
  const interval: string | undefined = price?.recurring?.interval;
  // API 2025-03-31 moved current_period_end from the subscription to its items: read either.
  const legacyPeriodEnd = (object as unknown as { current_period_end?: number }).current_period_end;
  const unitAmount = price?.unit_amount;
  return {
    id: object.id,
    stripeCustomerId: idOf(object.customer) ?? '',
    stripePriceId: price?.id ?? null,
    interval: interval === 'month' || interval === 'year' ? interval : null,
    amount: typeof unitAmount === 'number' ? unitAmount * (item?.quantity ?? 1) : null,
    currency: price?.currency?.toLowerCase() ?? null,
    status: object.status,
    currentPeriodEnd: instant(item?.current_period_end ?? legacyPeriodEnd),
    cancelAtPeriodEnd: object.cancel_at_period_end === true,
  };
}

/** The plan whose month or year slot has this Stripe price (retired plans too: subscribers keep them). */
export function planForPrice(plans: readonly PlanView[], priceId: string | null): PlanView | null {
  if (!priceId) return null;
  return (
    plans.find((plan) => plan.prices.month?.stripePriceId === priceId || plan.prices.year?.stripePriceId === priceId) ??
    null
  );
}

/** The subscription an invoice belongs to: API 2025+ says it under parent.subscription_details. */
export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  const legacy = (invoice as unknown as { subscription?: string | { id: string } | null }).subscription;
  return idOf(invoice.parent?.subscription_details?.subscription) ?? idOf(legacy);
}

export type ApplyOutcome = 'applied' | 'kept';

export function createSubscriptionStore(db: Database) {
  return {
    /** The WeBox user a Stripe customer belongs to; null: not one of ours. */
    async userOfCustomer(stripeCustomerId: string, executor: Database = db): Promise<string | null> {
      const [row] = await executor
        .select({ userId: billingCustomer.userId })
        .from(billingCustomer)
        .where(eq(billingCustomer.stripeCustomerId, stripeCustomerId));
      return row?.userId ?? null;
    },

    async customers() {
      return db
        .select({ userId: billingCustomer.userId, stripeCustomerId: billingCustomer.stripeCustomerId })
        .from(billingCustomer);
    },

    async get(id: string, executor: Database = db): Promise<SubscriptionRow | null> {
      const [row] = await executor.select().from(subscription).where(eq(subscription.id, id));
      return row ?? null;
    },

    async forUser(userId: string): Promise<SubscriptionRow[]> {
      return db.select().from(subscription).where(eq(subscription.userId, userId));
    },

    async eventApplied(id: string): Promise<boolean> {
      const [row] = await db.select({ id: stripeEvent.id }).from(stripeEvent).where(eq(stripeEvent.id, id));
      return row !== undefined;
    },

    /** Records the event as applied; false when it already was (its effect is then skipped). */
    async recordEvent(tx: Database, event: { id: string; type: string; created: number }): Promise<boolean> {
      const inserted = await tx
        .insert(stripeEvent)
        .values({ id: event.id, type: event.type, created: event.created })
        .onConflictDoNothing()
        .returning({ id: stripeEvent.id });
      return inserted.length > 0;
    },

    /**
     * Writes the state unless the row holds a newer source. `kind` 'event': only a strictly older
     * row is replaced (a tie is for the caller to settle by reading Stripe); 'read' (Stripe's API,
     * read at `sourceCreated`): an equal one too. A canceled or expired row is never revived.
     * Past due: `pastDueSince` is kept once set (retries do not extend the grace), set to the
     * source's time if no failed payment told it yet, and cleared by an active state newer than it.
     */
    async apply(
      tx: Database,
      write: {
        userId: string;
        planId: string | null;
        state: SubscriptionState;
        sourceCreated: number;
        kind: 'event' | 'read';
      },
    ): Promise<ApplyOutcome> {
      const { state, sourceCreated } = write;
      const sourceAt = new Date(sourceCreated * 1000);
      const pastDue = state.status === 'past_due';
      const clears = state.status === 'active' || state.status === 'trialing';
      const values = {
        id: state.id,
        userId: write.userId,
        stripeCustomerId: state.stripeCustomerId,
        planId: write.planId,
        stripePriceId: state.stripePriceId,
        interval: state.interval,
        amount: state.amount,
        currency: state.currency,
        status: state.status,
        currentPeriodEnd: state.currentPeriodEnd,
        cancelAtPeriodEnd: state.cancelAtPeriodEnd,
        pastDueSince: pastDue ? sourceAt : null,
        pastDueInvoiceId: null,
        sourceCreated,
        updatedAt: new Date(),
      };
      const older =
        write.kind === 'event'
          ? sql`${subscription.sourceCreated} < ${sourceCreated}`
          : sql`${subscription.sourceCreated} <= ${sourceCreated}`;
      const revives = TERMINAL.includes(state.status)
        ? sql`false`
        : sql`${subscription.status} in (${sql.join(
            TERMINAL.map((status) => sql`${status}`),
            sql`, `,
          )})`;
      const clearsPastDue = clears
        ? sql`${subscription.pastDueSince} is null or ${subscription.pastDueSince} <= ${sourceAt.toISOString()}::timestamptz`
        : sql`false`;
      const rows = await tx
        .insert(subscription)
        .values(values)
        .onConflictDoUpdate({
          target: subscription.id,
          set: {
            ...values,
            pastDueSince: pastDue
              ? sql`coalesce(${subscription.pastDueSince}, excluded.past_due_since)`
              : sql`case when ${clearsPastDue} then null else ${subscription.pastDueSince} end`,
            pastDueInvoiceId: sql`case when ${clearsPastDue} then null else ${subscription.pastDueInvoiceId} end`,
          },
          setWhere: sql`${older} and not (${revives})`,
        })
        .returning({ id: subscription.id });
      return rows.length > 0 ? 'applied' : 'kept';
    },

    /**
     * A failed payment of `invoiceId`: the grace counts from the first failure of the invoice that
     * made the subscription past due. A retry of it (or a failure delivered late) never moves it
     * later; another invoice's failure while one is pending changes nothing; an invoice already
     * paid (a failure delivered after its payment) is ignored. False when nothing changed.
     */
    async paymentFailed(
      tx: Database,
      failure: { subscriptionId: string; invoiceId: string; failedAt: Date },
    ): Promise<boolean> {
      const at = sql`${failure.failedAt.toISOString()}::timestamptz`;
      const rows = await tx
        .update(subscription)
        .set({
          pastDueSince: sql`least(coalesce(${subscription.pastDueSince}, ${at}), ${at})`,
          pastDueInvoiceId: failure.invoiceId,
          updatedAt: new Date(),
        })
        .where(
          and(
            eq(subscription.id, failure.subscriptionId),
            sql`(${subscription.pastDueInvoiceId} is null or ${subscription.pastDueInvoiceId} = ${failure.invoiceId})`,
            sql`not exists (select 1 from ${billingInvoice} where ${billingInvoice.id} = ${failure.invoiceId})`,
          ),
        )
        .returning({ id: subscription.id });
      return rows.length > 0;
    },

    /**
     * A paid invoice, recorded once (the revenue's source); the grace it had started ends.
     * False when it was recorded already.
     */
    async invoicePaid(
      tx: Database,
      paid: {
        id: string;
        userId: string;
        subscriptionId: string | null;
        amountPaid: number;
        currency: string;
        paidAt: Date;
      },
    ): Promise<boolean> {
      const inserted = await tx
        .insert(billingInvoice)
        .values(paid)
        .onConflictDoNothing()
        .returning({ id: billingInvoice.id });
      if (paid.subscriptionId) {
        await tx
          .update(subscription)
          .set({ pastDueSince: null, pastDueInvoiceId: null, updatedAt: new Date() })
          .where(
            and(
              eq(subscription.id, paid.subscriptionId),
              sql`(${subscription.pastDueInvoiceId} is null or ${subscription.pastDueInvoiceId} = ${paid.id})`,
            ),
          );
      }
      return inserted.length > 0;
    },
  };
}

export type SubscriptionStore = ReturnType<typeof createSubscriptionStore>;
