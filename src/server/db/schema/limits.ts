// Quotas and rate limits (owned by the limits module). limit_policy holds the default budgets
// (subject '*') and each user's overrides; quota_hold holds the worst-case cost of every request
// in flight on a budgeted key source, until the usage ledger writes its row (which deletes the
// hold in the same statement) or the hold expires and is charged from its worst case.
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { BudgetLimitsView } from '../../../shared/limits.ts';
import { user } from './auth.ts';

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
