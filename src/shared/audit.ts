// The audit trail's vocabulary, shared by the server (which records) and the web app (which
// shows and filters). A closed list: an action that is not here cannot be recorded, so the journal's
// filters and its translations cover every row.

export const AUDIT_ACTIONS = [
  // Provider keys (DESIGN §5). Details carry the provider and a keyed fingerprint, never the key.
  'key.personal.saved',
  'key.personal.replaced',
  'key.personal.deleted',
  'key.personal.verified',
  'key.global.saved',
  'key.global.replaced',
  'key.global.deleted',
  'key.global.verified',
  'vault.rotated',
  // Access tokens for /v1.
  'token.created',
  'token.revoked',
  // Accounts.
  'account.created',
  'account.role_changed',
  'account.disabled',
  'account.enabled',
  'account.deleted',
  'account.password_reset',
  'signin.succeeded',
  'signin.failed',
  // Limits, prices and billing.
  'budget.changed',
  'rate_limit.changed',
  'price.changed',
  'plan.changed',
  'billing.policy_changed',
  'plan.granted',
  'plan.revoked',
  // Alerts.
  'alert_settings.changed',
  'operator_budget.changed',
  // The audit trail itself: its retention, and the expiry's removals (one row per batch removed).
  'audit_settings.changed',
  'audit.expired',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_KINDS = [
  'provider_key',
  'vault',
  'access_token',
  'user',
  'budget',
  'rate_limit',
  'price',
  'plan',
  'billing',
  'alert_settings',
  'webhook',
  'operator_budget',
  'audit_settings',
] as const;

export type AuditTargetKind = (typeof AUDIT_TARGET_KINDS)[number];

export type AuditOutcome = 'success' | 'failure';

/** Extra facts of one row: scalars only, so nothing nested can smuggle a secret past review. */
export type AuditDetails = Record<string, string | number | boolean | null>;

/** One row as the API answers it. */
export interface AuditEventView {
  id: string;
  at: string;
  action: AuditAction;
  outcome: AuditOutcome;
  actor: { userId: string | null; email: string | null; ip: string | null; userAgent: string | null };
  target: { kind: AuditTargetKind; id: string } | null;
  /** The account the event is about (whose key, whose role): it shows on that user's profile. */
  subjectUserId: string | null;
  details: AuditDetails;
}
