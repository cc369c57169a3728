// The models module's one table: which catalogue models the operator offers on the global keys
// and the default model of new chats. One row (no row: every model offered, WeBox picks the
// default), as billing_settings.
import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const modelSettings = pgTable('model_settings', {
  /** Always 1: the table holds one row. */
  id: integer('id').primaryKey().default(1),
  /** `provider/model` ids offered on the global keys; null: every model (the default). */
  offered: jsonb('offered').$type<string[]>(),
  /** The default model of new chats, `provider/model`; null: the cheapest offered one. */
  defaultModel: text('default_model'),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});
