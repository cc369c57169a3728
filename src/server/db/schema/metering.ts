// The metering module's tables. Prices and usage: every request through /api/chat and
// /v1/chat/completions leaves one usage_event (one per request id, never two), which keeps the
// prices it was charged at; usage_daily rolls events up per day (in WEBOX_TIMEZONE), user,
// provider, model and key source, so month-long statistics read thousands of rows, not millions.
// Budgets: limit_policy holds the default budgets (subject '*') and each user's overrides;
// quota_hold holds the worst-case cost of every request in flight on a budgeted key source, until
// the usage ledger writes its row (which deletes the hold in the same statement) or the hold
// expires and is charged from its worst case. Users are referenced by id only (cascading deletes):
// the metering code never reads the accounts' table.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { BudgetLimitsView } from '../../../shared/limits.ts';
import { user } from './auth.ts';

const micro = (name: string) => bigint(name, { mode: 'number' });

/** Dated list prices per provider and model; a price applies from effectiveFrom until the next. */
export const modelPrice = pgTable(
  'model_price',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    inputMicrousdPerMtok: micro('input_microusd_per_mtok').notNull(),
    outputMicrousdPerMtok: micro('output_microusd_per_mtok').notNull(),
    cachedInputMicrousdPerMtok: micro('cached_input_microusd_per_mtok'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  },
  (table) => [index('model_price_lookup_idx').on(table.provider, table.model, table.effectiveFrom)],
);

export const usageEvent = pgTable(
  'usage_event',
  {
    requestId: text('request_id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    tokenId: uuid('token_id'),
    endpoint: text('endpoint', { enum: ['chat', 'gateway'] }).notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    keySource: text('key_source', { enum: ['personal', 'global', 'none'] }).notNull(),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cachedInputTokens: integer('cached_input_tokens').notNull().default(0),
    costMicrousd: micro('cost_microusd').notNull().default(0),
    /** The prices this row was charged at (null when unpriced or not charged). */
    inputMicrousdPerMtok: micro('input_microusd_per_mtok'),
    outputMicrousdPerMtok: micro('output_microusd_per_mtok'),
    cachedInputMicrousdPerMtok: micro('cached_input_microusd_per_mtok'),
    /** A model outside the catalogue, with no price: metered, costed at 0. */
    unpriced: boolean('unpriced').notNull().default(false),
    /** Tokens estimated locally because the provider's usage never arrived (a cut stream). */
    estimated: boolean('estimated').notNull().default(false),
    status: integer('status').notNull(),
    errorCode: text('error_code'),
    latencyMs: integer('latency_ms'),
    firstTokenMs: integer('first_token_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  // The request log pages newest first on (created_at, request_id); failed requests are few, and
  // have partial indexes of their own (migration 0014).
  (table) => [
    index('usage_event_user_created_idx').on(table.userId, table.createdAt, table.requestId),
    index('usage_event_created_idx').on(table.createdAt, table.requestId),
    index('usage_event_failed_created_idx').on(table.createdAt, table.requestId).where(sql`${table.status} >= 400`),
    index('usage_event_failed_user_created_idx')
      .on(table.userId, table.createdAt, table.requestId)
      .where(sql`${table.status} >= 400`),
  ],
);

export const usageDaily = pgTable(
  'usage_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    keySource: text('key_source').notNull(),
    requests: integer('requests').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    cachedInputTokens: bigint('cached_input_tokens', { mode: 'number' }).notNull().default(0),
    costMicrousd: micro('cost_microusd').notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.day, table.userId, table.provider, table.model, table.keySource] }),
    index('usage_daily_user_day_idx').on(table.userId, table.day),
    index('usage_daily_day_idx').on(table.day),
  ],
);

/** One key source's budgets; null means no limit (the API's shape, stored as is). */
export type BudgetLimits = BudgetLimitsView;

/** The budgets a policy row sets; a key source left out inherits the default. */
export interface PolicyBudgets {
  global?: BudgetLimits;
  personal?: BudgetLimits;
}

export const limitPolicy = pgTable('limit_policy', {
  /** '*' for the default applying to everyone, else a user id. */
  subject: text('subject').primaryKey(),
  budgets: jsonb('budgets').$type<PolicyBudgets>().notNull().default({}),
  /** Requests and tokens per minute; null inherits WEBOX_RATE_LIMIT_RPM / _TPM. */
  requestsPerMinute: integer('requests_per_minute'),
  tokensPerMinute: integer('tokens_per_minute'),
  /**
   * On the default row only: below this many output tokens a request the budget cannot cover whole
   * is refused rather than capped (null: DEFAULT_MIN_USEFUL_OUTPUT_TOKENS).
   */
  minUsefulOutputTokens: integer('min_useful_output_tokens'),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});

export const quotaHold = pgTable(
  'quota_hold',
  {
    /** The usage row this hold waits for (the request id). */
    requestId: text('request_id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    tokenId: uuid('token_id'),
    endpoint: text('endpoint', { enum: ['chat', 'gateway'] }).notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    keySource: text('key_source', { enum: ['personal', 'global'] }).notNull(),
    /** The worst case held: prompt tokens + maximum output, and their cost. */
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    microusd: bigint('microusd', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
    /** Pushed forward while the request runs; past it, the sweeper charges the hold. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('quota_hold_user_idx').on(table.userId, table.keySource),
    index('quota_hold_expires_idx').on(table.expiresAt),
  ],
);

/**
 * A slice of a user's remaining budget on one key source, leased by one instance (budget-lease.ts):
 * it counts as held, so every instance's slices, the holds and the spend never add up to more than
 * a limit. The instance admits against it in memory and moves each admitted request's worst case
 * out of the slice into its quota_hold row, in batches; a slice its instance stopped renewing
 * expires and is given back by the sweeper.
 */
export const budgetLease = pgTable(
  'budget_lease',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    keySource: text('key_source', { enum: ['personal', 'global'] }).notNull(),
    microusd: bigint('microusd', { mode: 'number' }).notNull(),
    tokens: bigint('tokens', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
    /** Pushed forward while its instance runs; past it, the sweeper deletes the slice. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('budget_lease_user_idx').on(table.userId, table.keySource),
    index('budget_lease_expires_idx').on(table.expiresAt),
  ],
);

/**
 * The operator budget on the global keys (one row, id 'operator'; migration 0019): what the whole
 * community may spend per day and month, the thresholds that raise an alert, whether reaching a
 * limit pauses global-key traffic, and the spend-jump detector's multiple (null: off).
 */
export const operatorBudget = pgTable('operator_budget', {
  id: text('id').primaryKey(),
  dayMicrousd: micro('day_microusd'),
  monthMicrousd: micro('month_microusd'),
  thresholds: jsonb('thresholds').$type<number[]>().notNull().default([50, 80, 100]),
  hardCap: boolean('hard_cap').notNull().default(false),
  spendJumpMultiple: doublePrecision('spend_jump_multiple'),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});
