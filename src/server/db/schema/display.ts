// The display module's tables. display_settings: one row (no row: dollars, WEBOX_TIMEZONE), the
// currency money is shown in and the time zone days begin in. currency_rate: every exchange rate
// an admin set, dated from the instant it applies (the latest per currency is the one in force;
// billing's usd_per_currency holds the same current rates for its revenue view).
import { doublePrecision, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const displaySettings = pgTable('display_settings', {
  /** Always 1: the table holds one row. */
  id: integer('id').primaryKey().default(1),
  /** Lowercase ISO 4217. */
  currency: text('currency').notNull().default('usd'),
  /** An IANA zone; null: WEBOX_TIMEZONE (no admin chose one). */
  timeZone: text('time_zone'),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});

export const currencyRate = pgTable(
  'currency_rate',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Lowercase ISO 4217, never usd. */
    currency: text('currency').notNull(),
    /** Dollars per unit of the currency. */
    usdPerUnit: doublePrecision('usd_per_unit').notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).defaultNow().notNull(),
    /** The admin who set it (null: carried over from billing's rates by the migration). */
    createdBy: text('created_by'),
  },
  (table) => [index('currency_rate_currency_from_idx').on(table.currency, table.effectiveFrom)],
);
