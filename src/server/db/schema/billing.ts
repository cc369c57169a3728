// The billing module's tables. plan: what a subscription or a grant gives (budgets on the global
// keys, the models it opens) and its Stripe prices, one slot per interval (null: none; a plan with
// neither is only for grants). billing_settings: one row, the operator's policy and the free
// allowance (no row: the defaults). plan_grant: a plan given by hand, one per user at most. Users
// are referenced by id only (cascading deletes): the billing code never reads the accounts' table.
import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
