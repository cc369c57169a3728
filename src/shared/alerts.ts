// What WeBox warns about, shared by the server (which raises and delivers) and the web app (which
// shows the bell and the list). A closed list: each kind has its words in both languages and its
// fields in `details`.
import { z } from 'zod';
import { isSingleLine, SINGLE_LINE_MESSAGE, singleLineText } from './text.ts';

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

// ---- The HTTP contract of the alerts (docs/alerts.md), shared by the routes and the web app. ----

export const ALERT_CHANNELS = ['email', 'webhook'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
/** The longest webhook URL accepted. */
export const WEBHOOK_URL_MAX = 2048;

const alertDetailValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const alertView = z.object({
  id: z.uuid(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(['info', 'warning', 'critical']),
  audience: z.enum(['admins', 'user']),
  provider: z.string().nullable(),
  details: z.record(z.string(), alertDetailValue),
  createdAt: z.iso.datetime(),
  read: z.boolean(),
});
export type AlertView = z.infer<typeof alertView>;

export const alertListQuery = z.object({
  cursor: z
    .string()
    .max(200)
    .optional()
    .describe("The previous answer's nextCursor: the page after it (older). Opaque; one that does not read is 400."),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const alertList = z.object({
  alerts: z.array(alertView),
  unread: z.number().int().min(0).describe('How many of the caller’s alerts are not read yet (all pages).'),
  nextCursor: z.string().nullable(),
});
export type AlertList = z.infer<typeof alertList>;

export const markReadBody = z.union([
  z.object({ ids: z.array(z.uuid()).min(1).max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

export const alertPreferences = z.object({
  email: z.boolean().describe('Alerts by e-mail (admins: on by default when e-mail is configured; users: off).'),
  locale: z.enum(['fr', 'en']).describe('The language of the alert e-mails.'),
  emailAvailable: z.boolean().describe('Whether WeBox can send e-mail (WEBOX_SMTP_URL).'),
});
export const alertPreferencesBody = z.object({
  email: z.boolean(),
  locale: z.enum(['fr', 'en']).optional(),
});

const webhookName = singleLineText({ trim: true, min: 1, max: 100 });
const webhookUrl = z
  .string()
  .trim()
  .max(WEBHOOK_URL_MAX, `url must be at most ${WEBHOOK_URL_MAX} characters`)
  .refine(isSingleLine, `url ${SINGLE_LINE_MESSAGE}`);
const webhookSecret = z
  .string()
  .min(16, 'secret must be at least 16 characters')
  .max(256)
  .refine((value) => /^[\x21-\x7e]+$/.test(value), 'secret must be printable ASCII without spaces');

export const webhookView = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  format: z.enum(WEBHOOK_FORMATS),
  locale: z.enum(['fr', 'en']),
  enabled: z.boolean(),
  /** Always the same mask: not a character of the secret is ever sent back. */
  secretMask: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type WebhookView = z.infer<typeof webhookView>;
export const webhookList = z.object({ webhooks: z.array(webhookView) });

export const createWebhookBody = z.object({
  name: webhookName,
  url: webhookUrl,
  secret: webhookSecret,
  format: z.enum(WEBHOOK_FORMATS).default('json'),
  locale: z.enum(['fr', 'en']).default('fr'),
  enabled: z.boolean().default(true),
});
export const updateWebhookBody = z
  .object({
    name: webhookName.optional(),
    url: webhookUrl.optional(),
    secret: webhookSecret.optional(),
    format: z.enum(WEBHOOK_FORMATS).optional(),
    locale: z.enum(['fr', 'en']).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

export const testAlertBody = z
  .object({
    channel: z.enum(['app', 'email', 'webhook']),
    webhookId: z.uuid().optional(),
  })
  .refine((body) => body.channel !== 'webhook' || body.webhookId !== undefined, 'webhookId is required for a webhook');
export const testAlertResult = z.object({ alertId: z.uuid(), deliveries: z.number().int() });

export const deliveryView = z.object({
  id: z.uuid(),
  alertId: z.uuid(),
  kind: z.enum(ALERT_KINDS),
  channel: z.enum(ALERT_CHANNELS),
  /** The admin's e-mail or the webhook's name (null: gone since). */
  recipient: z.string().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export const deliveryList = z.object({ deliveries: z.array(deliveryView) });
export type DeliveryView = z.infer<typeof deliveryView>;
