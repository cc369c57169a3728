// The revenue view (DESIGN §6 "Billing", Admin › Consommation): what the subscriptions brought in
// over a range of days in WEBOX_TIMEZONE (the paid invoices, each once: billing_invoice's key is
// Stripe's invoice id), monthly recurring revenue, subscribers per plan, and per user their plan,
// their status, their revenue and what they cost on the global keys. Revenue stays in its own
// currencies (never converted here); the cost is the usage ledger's, asked of metering's
// statistics, never read from its tables.
import { and, gt, gte, isNull, lt, or, sql } from 'drizzle-orm';
import { REVENUE_MAX_DAYS, type RevenueView } from '../../shared/billing.ts';
import type { Database } from '../db/client.ts';
import { billingInvoice, planGrant, subscription } from '../db/schema/billing.ts';
import { dayIn, startOfDay } from '../metering/periods.ts';
import type { UsageStats } from '../metering/usage-stats.ts';
import { billingErrors } from './billing-errors.ts';
import type { BillingStore } from './billing-store.ts';
import { shownStatus } from './subscription-store.ts';

type SubscriptionRow = typeof subscription.$inferSelect;
type Amounts = RevenueView['totals'];

/** Stripe's states that give access, and so count in the recurring revenue and as subscribers. */
const GIVING_ACCESS = new Set(['active', 'trialing', 'past_due']);
const isGivingAccess = (row: SubscriptionRow) => GIVING_ACCESS.has(row.status);

const DAY_MS = 86_400_000;
const utcDay = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayAfter = (day: string) => new Date(utcDay(day) + DAY_MS).toISOString().slice(0, 10);

/** The range asked for (days already checked to be calendar days), or this month in the zone. */
export function revenueRange(timezone: string, query: { from?: string; to?: string }, now = new Date()) {
  const today = dayIn(timezone)(now);
  const monthStart = `${today.slice(0, 8)}01`;
  const [year, month] = today.split('-').map(Number) as [number, number];
  const monthEnd = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  const range = { from: query.from ?? monthStart, to: query.to ?? monthEnd };
  if (range.from > range.to) throw billingErrors.reversedRange();
  if ((utcDay(range.to) - utcDay(range.from)) / DAY_MS + 1 > REVENUE_MAX_DAYS) {
    throw billingErrors.rangeTooLong(REVENUE_MAX_DAYS);
  }
  return range;
}

/** Sums per currency, in a stable order (by currency code). */
function byCurrency(entries: Iterable<{ currency: string; amount: number }>): Amounts {
  const sums = new Map<string, number>();
  for (const { currency, amount } of entries) sums.set(currency, (sums.get(currency) ?? 0) + amount);
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount }));
}

/**
 * Monthly recurring revenue per currency: monthly prices whole, yearly ones as a twelfth. The
 * yearly prices of a currency are summed first and divided once, rounded half up to the minor
 * unit, so the total is off by at most half a unit, not half a unit per subscription.
 */
export function monthlyRecurring(rows: readonly SubscriptionRow[]): Amounts {
  const monthly = new Map<string, number>();
  const yearly = new Map<string, number>();
  for (const row of rows) {
    if (!isGivingAccess(row) || row.amount === null || !row.currency) continue;
    const sums = row.interval === 'month' ? monthly : row.interval === 'year' ? yearly : null;
    sums?.set(row.currency, (sums.get(row.currency) ?? 0) + row.amount);
  }
  const currencies = new Set([...monthly.keys(), ...yearly.keys()]);
  return byCurrency(
    [...currencies].map((currency) => ({
      currency,
      amount: (monthly.get(currency) ?? 0) + Math.floor(((yearly.get(currency) ?? 0) * 2 + 12) / 24),
    })),
  );
}

/** The subscription that says where a user stands: one giving access, else the newest. */
function currentOf(rows: readonly SubscriptionRow[]): SubscriptionRow | null {
  const newestFirst = [...rows].sort((a, b) => b.sourceCreated - a.sourceCreated);
  return newestFirst.find(isGivingAccess) ?? newestFirst[0] ?? null;
}

export function createRevenue(options: {
  db: Database;
  store: BillingStore;
  stats: UsageStats;
  /** Where days begin (read at each report: the admin may change it). */
  timezone: () => string;
}) {
  const { db, store, stats } = options;

  return {
    async report(range: { from: string; to: string }, now = new Date()): Promise<RevenueView> {
      const timezone = options.timezone();
      const start = startOfDay(timezone, range.from);
      const end = startOfDay(timezone, dayAfter(range.to));
      const [paid, subscriptions, grants, plans, usage] = await Promise.all([
        db
          .select({
            userId: billingInvoice.userId,
            currency: billingInvoice.currency,
            amount: sql<string>`sum(${billingInvoice.amountPaid})::int8`,
          })
          .from(billingInvoice)
          .where(and(gte(billingInvoice.paidAt, start), lt(billingInvoice.paidAt, end)))
          .groupBy(billingInvoice.userId, billingInvoice.currency),
        db.select().from(subscription),
        db
          .select({ userId: planGrant.userId, planId: planGrant.planId })
          .from(planGrant)
          .where(or(isNull(planGrant.until), gt(planGrant.until, now))),
        store.plans(),
        stats.query({ ...range, groupBy: 'user' }),
      ]);
      const planNames = new Map(plans.map((entry) => [entry.id, entry.name]));
      const planOf = (id: string | null) => {
        const name = id ? planNames.get(id) : undefined;
        return id && name !== undefined ? { id, name } : null;
      };

      const revenue = new Map<string, { currency: string; amount: number }[]>();
      for (const row of paid) {
        revenue.set(row.userId, [
          ...(revenue.get(row.userId) ?? []),
          { currency: row.currency, amount: Number(row.amount) },
        ]);
      }
      const subscriptionsOf = new Map<string, SubscriptionRow[]>();
      for (const row of subscriptions)
        subscriptionsOf.set(row.userId, [...(subscriptionsOf.get(row.userId) ?? []), row]);
      const grantOf = new Map(grants.map((row) => [row.userId, row.planId]));
      const cost = new Map(usage.series.map((row) => [row.key, row.globalCostMicrousd]));

      const standing = (userId: string) => {
        const current = currentOf(subscriptionsOf.get(userId) ?? []);
        if (current && isGivingAccess(current))
          return {
            status: shownStatus(current.status),
            plan: planOf(current.planId),
            cancelAtPeriodEnd: current.cancelAtPeriodEnd,
          };
        const granted = grantOf.get(userId);
        if (granted) return { status: 'granted' as const, plan: planOf(granted), cancelAtPeriodEnd: false };
        const status = current ? shownStatus(current.status) : 'none';
        // A subscription deleted (or never started) leaves no plan; an unpaid one still names it.
        return {
          status,
          plan: status === 'unpaid' && current ? planOf(current.planId) : null,
          cancelAtPeriodEnd: false,
        };
      };

      // Whoever brought something in, cost something on the global keys, or holds a plan now.
      const userIds = new Set([
        ...revenue.keys(),
        ...grantOf.keys(),
        ...[...cost].filter(([, microusd]) => microusd > 0).map(([userId]) => userId),
        ...subscriptions
          .filter((row) => !['canceled', 'none'].includes(shownStatus(row.status)))
          .map((row) => row.userId),
      ]);
      const users = [...userIds]
        .map((userId) => ({
          userId,
          ...standing(userId),
          revenue: byCurrency(revenue.get(userId) ?? []),
          globalCostMicrousd: cost.get(userId) ?? 0,
        }))
        .sort((a, b) => b.globalCostMicrousd - a.globalCostMicrousd || a.userId.localeCompare(b.userId));

      // Users, not subscriptions: one user subscribed twice to a plan counts once.
      const subscribers = new Map<string, Set<string>>();
      for (const row of subscriptions) {
        if (!row.planId || !isGivingAccess(row)) continue;
        subscribers.set(row.planId, (subscribers.get(row.planId) ?? new Set()).add(row.userId));
      }
      // Every plan on offer, and the retired ones that still have subscribers, in the plans' order.
      const subscribersByPlan = plans
        .filter((entry) => entry.active || subscribers.has(entry.id))
        .map((entry) => ({ planId: entry.id, name: entry.name, count: subscribers.get(entry.id)?.size ?? 0 }));

      return {
        ...range,
        totals: byCurrency(paid.map((row) => ({ currency: row.currency, amount: Number(row.amount) }))),
        // Every subscription giving access bills, a user's second one too.
        mrr: monthlyRecurring(subscriptions),
        subscribersByPlan,
        users,
      };
    },
  };
}

export type Revenue = ReturnType<typeof createRevenue>;
