// The audit module's tables. audit_event is append-only: WeBox only inserts into it, and a trigger
// (migration 0016) refuses every UPDATE, and every DELETE but the retention expiry's of rows older
// than a year. Users are referenced by id without a foreign key: a deleted account's trail stays.
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AuditAction, AuditDetails, AuditOutcome, AuditTargetKind } from '../../../shared/audit.ts';

export const auditEvent = pgTable(
  'audit_event',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: timestamp('at', { withTimezone: true }).defaultNow().notNull(),
    action: text('action').$type<AuditAction>().notNull(),
    outcome: text('outcome', { enum: ['success', 'failure'] })
      .$type<AuditOutcome>()
      .notNull(),
    /** Who did it: null for WeBox itself (expiry, a sweeper) or an unknown visitor (a failed sign-in). */
    actorId: text('actor_id'),
    /** The actor's e-mail when it happened: the trail still names an account deleted since. */
    actorEmail: text('actor_email'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    targetKind: text('target_kind').$type<AuditTargetKind>(),
    targetId: text('target_id'),
    /** Whose account the event concerns (it appears in that user's security events). */
    subjectUserId: text('subject_user_id'),
    details: jsonb('details').$type<AuditDetails>().default({}).notNull(),
  },
  (table) => [
    // Keyset paging, newest first: (at, id) is the cursor of every listing.
    index('audit_event_at_idx').on(table.at.desc(), table.id.desc()),
    index('audit_event_actor_idx').on(table.actorId, table.at.desc(), table.id.desc()),
    index('audit_event_subject_idx').on(table.subjectUserId, table.at.desc(), table.id.desc()),
    index('audit_event_target_idx').on(table.targetKind, table.targetId, table.at.desc()),
    index('audit_event_action_idx').on(table.action, table.at.desc(), table.id.desc()),
  ],
);

/** One row: the sealed key that fingerprints secrets, and the retention in force. */
export const auditSettings = pgTable('audit_settings', {
  id: integer('id').primaryKey().default(1),
  /** A random 32-byte HMAC key, sealed with the vault's master key (re-sealed by rotation). */
  fingerprintKeySealed: text('fingerprint_key_sealed'),
  /** Days a row is kept; null: the default (AUDIT_RETENTION_DEFAULT_DAYS). Never under 365. */
  retentionDays: integer('retention_days'),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});
