// The alerts module's tables. An alert is raised once: its once_key names the event and its period
// (`operator_budget.threshold|month|2026-12|80`), and the unique index makes the first instance's
// insert the only one, however many instances see the threshold crossed at the same moment.
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AlertAudience, AlertDetails, AlertKind, AlertSeverity } from '../../../shared/alerts.ts';

export const alert = pgTable(
  'alert',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<AlertKind>().notNull(),
    /** What makes it "once" (unique): the kind, the scope and the period it belongs to. */
    onceKey: text('once_key').notNull().unique(),
    severity: text('severity').$type<AlertSeverity>().notNull(),
    audience: text('audience').$type<AlertAudience>().notNull(),
    /** The user it concerns (their budget, their key, their subscription); null: the whole service. */
    subjectUserId: text('subject_user_id'),
    provider: text('provider'),
    /** Scalars that fill the alert's words (never a key: at most its provider). */
    details: jsonb('details').$type<AlertDetails>().default({}).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  },
  (table) => [
    index('alert_audience_idx').on(table.audience, table.createdAt.desc()),
    index('alert_subject_idx').on(table.subjectUserId, table.createdAt.desc()),
  ],
);
