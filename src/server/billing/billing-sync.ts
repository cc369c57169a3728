// `webox billing sync`: every customer's subscriptions read from Stripe's API (cancelled ones too)
// and applied as reads, for the webhooks a deployment missed while it was down. A read is the
// newest source there is, so it replaces whatever the events left; running it twice changes
// nothing the second time. The users whose billing changed are announced on the change bus.
import type { PlanView } from '../../shared/billing.ts';
import type { ChangeBus } from '../cache/change-bus.ts';
import type { Config } from '../config.ts';
import type { Database, DatabaseHandle } from '../db/client.ts';
import { SUBSCRIPTION_CHANNEL } from './billing-access.ts';
import { listPlans } from './billing-store.ts';
import { createStripeClient, loadStripe } from './stripe-client.ts';
import {
  createSubscriptionStore,
  planForPrice,
  type SubscriptionRow,
  type SubscriptionStore,
  subscriptionStateOf,
} from './subscription-store.ts';
import type { SubscriptionReader } from './webhook-handler.ts';

export interface SyncReport {
  customers: number;
  subscriptions: number;
  /** Subscriptions whose row changed (new, or another status, plan, period…). */
  changed: number;
  /** The users whose billing changed. */
  users: string[];
}

/** The columns a read may change (not its bookkeeping: the source's time, the row's). */
const compared = (row: SubscriptionRow | null) =>
  row === null
    ? null
    : JSON.stringify([
        row.userId,
        row.planId,
        row.stripePriceId,
        row.interval,
        row.amount,
        row.currency,
        row.status,
        row.currentPeriodEnd?.getTime() ?? null,
        row.cancelAtPeriodEnd,
        row.pastDueSince?.getTime() ?? null,
      ]);

export async function syncSubscriptions(options: {
  db: Database;
  store: SubscriptionStore;
  stripe: SubscriptionReader;
  plans: readonly PlanView[];
  /** Called once per user whose billing changed, after its writes committed. */
  changed?: (userId: string) => Promise<void>;
}): Promise<SyncReport> {
  const { db, store, stripe, plans } = options;
  const report: SyncReport = { customers: 0, subscriptions: 0, changed: 0, users: [] };
  for (const customer of await store.customers()) {
    report.customers++;
    let userChanged = false;
    for await (const object of stripe.subscriptions.list({
      customer: customer.stripeCustomerId,
      status: 'all',
      limit: 100,
    })) {
      report.subscriptions++;
      const state = subscriptionStateOf(object);
      const sourceCreated = Math.floor(Date.now() / 1000);
      const differs = await db.transaction(async (tx) => {
        const before = compared(await store.get(state.id, tx));
        await store.apply(tx, {
          userId: customer.userId,
          planId: planForPrice(plans, state.stripePriceId)?.id ?? null,
          state,
          sourceCreated,
          kind: 'read',
        });
        return compared(await store.get(state.id, tx)) !== before;
      });
      if (differs) {
        report.changed++;
        userChanged = true;
      }
    }
    if (userChanged) {
      report.users.push(customer.userId);
      await options.changed?.(customer.userId);
    }
  }
  return report;
}

/** What the operator is told when the sync cannot run or Stripe fails it (the message alone). */
export class BillingSyncError extends Error {
  override name = 'BillingSyncError';
}

/** The configured Stripe client, before anything is opened: without one there is nothing to read. */
export async function syncClient(config: Config): Promise<SubscriptionReader> {
  const stripe = await createStripeClient(config.billing);
  if (!stripe) throw new BillingSyncError('billing is off: set STRIPE_SECRET_KEY to read subscriptions from Stripe.');
  return stripe;
}

/**
 * The command: the configured Stripe client on the opened database; each user whose billing
 * changed is announced on the command's change bus (on PostgreSQL the running instances hear it).
 */
export async function billingSyncCommand(options: {
  database: DatabaseHandle;
  stripe: SubscriptionReader;
  bus: ChangeBus;
}): Promise<SyncReport> {
  const { database, stripe, bus } = options;
  try {
    return await syncSubscriptions({
      db: database.db,
      store: createSubscriptionStore(database.db),
      stripe,
      plans: await listPlans(database.db),
      changed: (userId) => bus.publish(SUBSCRIPTION_CHANNEL, userId),
    });
  } catch (error) {
    // Stripe's own words stay out (they can quote a masked key); its status and type say enough.
    const Stripe = await loadStripe();
    if (error instanceof Stripe.errors.StripeError) {
      throw new BillingSyncError(
        `Stripe refused or failed the sync (${error.type}${error.statusCode ? `, HTTP ${error.statusCode}` : ''}); what was read before it is applied. Run it again.`,
      );
    }
    throw error;
  }
}
