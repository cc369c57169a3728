// The alerts module's tables. An alert is raised once: its once_key names the event and its period
// (`operator_budget.threshold|month|2026-12|80`), and the unique index makes the first instance's
// insert the only one, however many instances see the threshold crossed at the same moment.
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
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

/** An admin's webhook: where alerts are POSTed, signed with its secret (sealed like the keys). */
export const alertWebhook = pgTable('alert_webhook', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  format: text('format').$type<'json' | 'slack'>().default('json').notNull(),
  /** The language of the alert's words in what is posted. */
  locale: text('locale').$type<'fr' | 'en'>().default('fr').notNull(),
  /** The signing secret, sealed with the vault's master key (re-sealed by rotation), never in clear. */
  secretSealed: text('secret_sealed').notNull(),
  enabled: boolean('enabled').default(true).notNull(),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});

/**
 * The outbox: one row per alert, channel and recipient (an admin's or user's id for e-mail, a
 * webhook's id), queued in the raise's transaction and sent by whichever instance claims it first.
 */
export const alertDelivery = pgTable(
  'alert_delivery',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alert.id, { onDelete: 'cascade' }),
    channel: text('channel').$type<'email' | 'webhook'>().notNull(),
    recipient: text('recipient').notNull(),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().default('pending').notNull(),
    attempts: integer('attempts').default(0).notNull(),
    /** When it is due; while an instance sends it, a lease a little beyond the send's timeout. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).defaultNow().notNull(),
    /** A short status of the last failure ("HTTP 500", "timeout"): never a body, a URL or a secret. */
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  },
  (table) => [
    unique('alert_delivery_once').on(table.alertId, table.channel, table.recipient),
    index('alert_delivery_due_idx').on(table.status, table.nextAttemptAt),
    index('alert_delivery_created_idx').on(table.createdAt.desc()),
  ],
);

/** Which in-app alerts a user has read (the alerts themselves are the rows of `alert`). */
export const alertRead = pgTable(
  'alert_read',
  {
    userId: text('user_id').notNull(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alert.id, { onDelete: 'cascade' }),
    readAt: timestamp('read_at', { withTimezone: true }).defaultNow().notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.alertId] })],
);

/** A user's choice of e-mail for alerts, and the language their e-mails are written in. */
export const alertPreference = pgTable('alert_preference', {
  userId: text('user_id').primaryKey(),
  email: boolean('email').notNull(),
  locale: text('locale').$type<'fr' | 'en'>().default('fr').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});
