// The first-run checklist's one row (no row: nothing dismissed, nothing skipped). Only what the
// admin said is stored here; whether a step is done is read from the real state each time.
import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const firstRun = pgTable('first_run', {
  /** Always 1: the table holds one row. */
  id: integer('id').primaryKey().default(1),
  /** When an admin put the checklist away; null: it shows on the admin pages. */
  dismissedAt: timestamp('dismissed_at', { withTimezone: true }),
  /** Ids of the steps an admin chose to skip ("keep sign-up open", "offer every model"). */
  skipped: jsonb('skipped').$type<string[]>().default([]).notNull(),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});
