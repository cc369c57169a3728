// The audit trail's reading side (GET /api/admin/audit, its CSV, /api/me/security-events and the
// retention setting): the route schemas, shared by the server and the web app. Every filter is
// checked here, at the boundary: an action is one of AUDIT_ACTIONS or a group of them written as
// its prefix ending in a dot (`key.`, `key.personal.`), never free text.
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_TARGET_KINDS, type AuditAction } from './audit.ts';
import { logExportQuery } from './contracts.ts';
import { singleLineText } from './text.ts';

export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;
/** Retention bounds, in days: never under a year (the database refuses younger deletions anyway). */
export const AUDIT_RETENTION_MIN_DAYS = 365;
export const AUDIT_RETENTION_MAX_DAYS = 3650;
export const AUDIT_RETENTION_DEFAULT_DAYS = 400;

/** The groups the journal's filter offers: every action's first word, as `word.`. */
export const AUDIT_ACTION_GROUPS = [...new Set(AUDIT_ACTIONS.map((action) => `${action.split('.')[0]}.`))];

/** The actions an `action` filter item names: itself, or every action its prefix begins. */
export function actionsOf(item: string): AuditAction[] {
  if (item.endsWith('.')) return AUDIT_ACTIONS.filter((action) => action.startsWith(item));
  return AUDIT_ACTIONS.filter((action) => action === item);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayOrInstant = z.union([
  z
    .string()
    .regex(DAY)
    .refine((value) => {
      const parsed = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
    }, 'not a calendar day'),
  z.iso.datetime({ offset: true }),
]);

/** One or several actions, comma-separated (or the parameter repeated); each known or a known group. */
const actionFilter = z
  .union([z.string().max(2000), z.array(z.string().max(200)).max(50)])
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .refine((items) => items.length <= 50, 'at most 50 actions')
  .refine(
    (items) => items.every((item) => actionsOf(item).length > 0),
    'each action must be one of the audit actions, or a group written as its prefix ending in a dot (key.)',
  );

const cursor = z
  .string()
  .max(500)
  .optional()
  .describe("The previous answer's nextCursor: the page after it. Opaque and signed; one altered or made up is 400.");

const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(AUDIT_PAGE_MAX)
  .default(AUDIT_PAGE_DEFAULT)
  .describe(`Rows per page (at most ${AUDIT_PAGE_MAX}).`);

const who = (whose: string) =>
  singleLineText({ min: 1, max: 200 })
    .optional()
    .describe(`Only events ${whose}: a user id, or an e-mail address (an address nobody has matches nothing).`);

export const auditQuery = z.object({
  actor: who('done by this user'),
  subject: who("about this user's account"),
  action: actionFilter
    .optional()
    .describe(
      'One or several actions, comma-separated or repeated: an action (`key.personal.replaced`) or a group as its prefix ending in a dot (`key.`, `key.personal.`).',
    ),
  targetKind: z.enum(AUDIT_TARGET_KINDS).optional().describe('What the event acted on.'),
  targetId: singleLineText({ min: 1, max: 512 }).optional().describe("The target's id (with or without targetKind)."),
  outcome: z.enum(['success', 'failure']).optional(),
  from: dayOrInstant
    .optional()
    .describe('From this instant on (included), or from the start of this day (YYYY-MM-DD) in the display time zone.'),
  to: dayOrInstant
    .optional()
    .describe(
      'Before this instant (excluded), or up to the end of this day (YYYY-MM-DD, included) in the display time zone.',
    ),
  cursor,
  limit,
  ...logExportQuery,
});

export type AuditQuery = z.infer<typeof auditQuery>;

const details = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const target = z.object({ kind: z.enum(AUDIT_TARGET_KINDS), id: z.string() }).nullable();

export const auditEventView = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    action: z.enum(AUDIT_ACTIONS),
    outcome: z.enum(['success', 'failure']),
    actor: z.object({
      userId: z.string().nullable().describe('null: WeBox itself, or an unknown visitor (a failed sign-in).'),
      email: z.string().nullable().describe("The actor's address when it happened."),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
    }),
    target: target.describe('What the event acted on.'),
    subjectUserId: z.string().nullable().describe('Whose account the event concerns.'),
    details: details.describe('Facts of the event (scalars; never a secret: keys appear as keyed fingerprints).'),
  })
  .meta({ id: 'AuditEvent', description: 'One row of the audit trail.' });

export const auditPage = z
  .object({
    events: z.array(auditEventView).describe('Newest first.'),
    nextCursor: z.string().nullable().describe('The next (older) page: pass it as `cursor`; null on the last page.'),
  })
  .meta({ id: 'AuditPage', description: 'One page of the audit trail.' });

export type AuditPage = z.infer<typeof auditPage>;

export const securityEventsQuery = z.object({ cursor, limit });

export const securityEventView = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    action: z.enum(AUDIT_ACTIONS),
    outcome: z.enum(['success', 'failure']),
    by: z
      .enum(['you', 'admin', 'system', 'unknown'])
      .describe(
        'Who did it: you; another account (an administrator); WeBox itself; or an unknown visitor (a failed sign-in).',
      ),
    ip: z
      .string()
      .nullable()
      .describe("Where from: shown when you or an unknown visitor did it, never another account's."),
    userAgent: z.string().nullable().describe('The browser or client, on the same terms as `ip`.'),
    target: target,
    details,
  })
  .meta({ id: 'SecurityEvent', description: 'One event about your account.' });

export type SecurityEventView = z.infer<typeof securityEventView>;

export const securityEventsPage = z
  .object({
    events: z.array(securityEventView).describe('Newest first.'),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'SecurityEventsPage', description: 'One page of your security events.' });

export type SecurityEventsPage = z.infer<typeof securityEventsPage>;

export const auditSettingsView = z
  .object({
    retentionDays: z.number().int().describe('Days a row is kept before the expiry removes it.'),
    defaultDays: z.number().int(),
    minDays: z.number().int(),
    maxDays: z.number().int(),
  })
  .meta({ id: 'AuditSettings' });

export type AuditSettingsView = z.infer<typeof auditSettingsView>;

export const auditSettingsBody = z.object({
  retentionDays: z
    .number()
    .int()
    .min(AUDIT_RETENTION_MIN_DAYS, `must be at least ${AUDIT_RETENTION_MIN_DAYS} days (a year)`)
    .max(AUDIT_RETENTION_MAX_DAYS, `must be at most ${AUDIT_RETENTION_MAX_DAYS} days`)
    .describe(`Days to keep each row: ${AUDIT_RETENTION_MIN_DAYS} to ${AUDIT_RETENTION_MAX_DAYS}.`),
});
