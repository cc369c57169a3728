// What WeBox warns about, shared by the server (which raises and delivers) and the web app (which
// shows the bell and the list). A closed list: each kind has its words in both languages and its
// fields in `details`.

export const ALERT_KINDS = [
  /** The operator budget on the global keys passed a threshold (details: period, threshold, spent, limit). */
  'operator_budget.threshold',
  /** A user passed a threshold of their own budget (details: period, threshold); admins are told once. */
  'user_budget.threshold',
  /** The provider refused a global key (401/403: revoked, or the account's credit is gone). */
  'global_key.rejected',
  /** A global key keeps answering 429. */
  'global_key.rate_limited',
  /** The provider refused a user's own key: that user is told. */
  'personal_key.rejected',
  /** A subscription's payment failed. */
  'subscription.payment_failed',
  /** A user's hour of spend is above a multiple of their usual hour. */
  'spend.jump',
  /** "Send a test alert" on the settings page. */
  'test',
] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** Who sees it: every admin, or the one user it concerns (their own key, their own budget). */
export type AlertAudience = 'admins' | 'user';

export type AlertDetails = Record<string, string | number | boolean | null>;
