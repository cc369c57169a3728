// The billing module's tables. plan: what a subscription or a grant gives (budgets on the global
// keys, the models it opens) and its Stripe prices, one slot per interval (null: none; a plan with
// neither is only for grants). billing_settings: one row, the operator's policy and the free
// allowance (no row: the defaults). plan_grant: a plan given by hand, one per user at most. Users
// are referenced by id only (cascading deletes): the billing code never reads the accounts' table.
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { BillingPolicy, PlanView } from '../../../shared/billing.ts';
import type { BudgetLimitsView } from '../../../shared/limits.ts';
import { user } from './auth.ts';

type PlanPriceSlot = NonNullable<PlanView['prices']['month']>;

export const plan = pgTable('plan', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  active: boolean('active').notNull().default(true),
  monthPrice: jsonb('month_price').$type<PlanPriceSlot>(),
  yearPrice: jsonb('year_price').$type<PlanPriceSlot>(),
  budgets: jsonb('budgets').$type<BudgetLimitsView>().notNull(),
  /** `provider/model` ids; null: every model on the global keys. */
  models: jsonb('models').$type<string[]>(),
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});

export const billingSettings = pgTable('billing_settings', {
  /** Always 1: the table holds one row. */
  id: integer('id').primaryKey().default(1),
  policy: text('policy').$type<BillingPolicy>().notNull().default('everyone'),
  freeAllowance: jsonb('free_allowance').$type<BudgetLimitsView>(),
  /** null: WEBOX_BILLING_GRACE_DAYS. */
  graceDays: integer('grace_days'),
  usdPerCurrency: jsonb('usd_per_currency').$type<Record<string, number>>().notNull().default({}),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});

export const planGrant = pgTable('plan_grant', {
  userId: text('user_id')
    .primaryKey()
    .references(() => user.id, { onDelete: 'cascade' }),
  planId: uuid('plan_id')
    .notNull()
    .references(() => plan.id),
  /** null: no end. */
  until: timestamp('until', { withTimezone: true }),
  grantedBy: text('granted_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
});

// Stripe's side (issue "Subscriptions with Stripe"). Ids are Stripe's own (cus_…, sub_…, in_…,
// evt_…); the rows are what the webhook handler and `webox billing sync` have applied.

/** One Stripe customer per user, created once (its metadata carries the WeBox user id). */
export const billingCustomer = pgTable('billing_customer', {
  userId: text('user_id')
    .primaryKey()
    .references(() => user.id, { onDelete: 'cascade' }),
  stripeCustomerId: text('stripe_customer_id').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
});

/**
 * A Stripe subscription as last applied. `status` is Stripe's own word; `sourceCreated` is the
 * `created` (seconds) of the event or read that produced this state, so an older event never
 * overwrites a newer one. `pastDueSince`: the first failed payment of the invoice that made it past
 * due (the grace period counts from it; retries do not move it).
 */
export const subscription = pgTable(
  'subscription',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    /** null: a price no plan has (the subscription then opens nothing). */
    planId: uuid('plan_id').references(() => plan.id),
    stripePriceId: text('stripe_price_id'),
    interval: text('interval').$type<'month' | 'year'>(),
    amount: integer('amount'),
    currency: text('currency'),
    status: text('status').notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    pastDueInvoiceId: text('past_due_invoice_id'),
    sourceCreated: bigint('source_created', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
  },
  (table) => [index('subscription_user_idx').on(table.userId)],
);

/** Every Stripe event applied, written in the same transaction as its effect: applied once. */
export const stripeEvent = pgTable('stripe_event', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  created: bigint('created', { mode: 'number' }).notNull(),
  appliedAt: timestamp('applied_at', { withTimezone: true }).defaultNow().notNull(),
});

/** Paid invoices, each once: the revenue view's source. */
export const billingInvoice = pgTable(
  'billing_invoice',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    subscriptionId: text('subscription_id'),
    amountPaid: integer('amount_paid').notNull(),
    currency: text('currency').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('billing_invoice_paid_idx').on(table.paidAt)],
);
