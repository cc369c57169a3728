// What the alerts are delivered by: the admins' webhooks (their signing secret sealed with the
// vault's AES-256-GCM under the active master key, re-sealed by rotation through `sealed`, shown
// only as a fixed mask), and each account's choice of e-mail and its language. Every change is
// audited in its own transaction.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { WebhookFormat, WebhookView } from '../../shared/alerts.ts';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.ts';
import type { Database } from '../db/client.ts';
import { alertPreference, alertWebhook } from '../db/schema/alerts.ts';
import { type KeyPlace, type Keyring, open, seal } from '../vault/crypto.ts';
import type { SealedValues } from '../vault/vault-rotation.ts';
import { alertErrors } from './alert-errors.ts';
import { checkWebhookUrl } from './webhook-url.ts';

/** The same mask for every secret: not one of its characters is ever sent back. */
export const WEBHOOK_SECRET_MASK = '••••••••';

/** Where a webhook's secret belongs: its ciphertext opens for this webhook only. */
const secretPlace = (webhookId: string): KeyPlace => ({
  scope: 'global',
  ownerId: webhookId,
  provider: 'alert-webhook-secret',
});

type WebhookRow = typeof alertWebhook.$inferSelect;

export interface WebhookInput {
  name: string;
  url: string;
  secret: string;
  format: WebhookFormat;
  locale: 'fr' | 'en';
  enabled: boolean;
}

function viewOf(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    format: row.format,
    locale: row.locale,
    enabled: row.enabled,
    secretMask: WEBHOOK_SECRET_MASK,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export interface Preference {
  email: boolean;
  locale: 'fr' | 'en';
}

export function createAlertSettings(options: { db: Database; keyring: Keyring; audit: AuditTrail }) {
  const { db, keyring, audit } = options;

  const sealed: SealedValues = {
    async list() {
      const rows = await db.select({ id: alertWebhook.id, ciphertext: alertWebhook.secretSealed }).from(alertWebhook);
      return rows.map((row) => ({ id: row.id, ciphertext: row.ciphertext, place: secretPlace(row.id) }));
    },
    async replace(id, previous, next) {
      const updated = await db
        .update(alertWebhook)
        .set({ secretSealed: next })
        .where(and(eq(alertWebhook.id, id), eq(alertWebhook.secretSealed, previous)))
        .returning({ id: alertWebhook.id });
      return updated.length > 0;
    },
  };

  return {
    sealed,

    async listWebhooks(): Promise<WebhookView[]> {
      const rows = await db.select().from(alertWebhook).orderBy(desc(alertWebhook.createdAt));
      return rows.map(viewOf);
    },

    /** The enabled webhooks' ids, read in the raise's transaction. */
    async enabledWebhookIds(tx: Database): Promise<string[]> {
      const rows = await tx.select({ id: alertWebhook.id }).from(alertWebhook).where(eq(alertWebhook.enabled, true));
      return rows.map((row) => row.id);
    },

    async webhookExists(id: string): Promise<boolean> {
      const [row] = await db.select({ id: alertWebhook.id }).from(alertWebhook).where(eq(alertWebhook.id, id));
      return row !== undefined;
    },

    /** The webhook with its secret opened in memory, for one delivery; null when it is gone. */
    async webhookForDelivery(id: string) {
      const [row] = await db.select().from(alertWebhook).where(eq(alertWebhook.id, id));
      if (!row) return null;
      const { secretSealed, ...rest } = row;
      return { ...rest, openSecret: () => open(keyring, secretSealed, secretPlace(row.id)) };
    },

    async names(ids: readonly string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .select({ id: alertWebhook.id, name: alertWebhook.name })
        .from(alertWebhook)
        .where(inArray(alertWebhook.id, [...ids]));
      return new Map(rows.map((row) => [row.id, row.name]));
    },

    async createWebhook(input: WebhookInput, actor: AuditActor): Promise<WebhookView> {
      const url = checkWebhookUrl(input.url);
      const id = randomUUID();
      // Before the transaction: the fingerprint key is read from the audit's table.
      const fingerprint = await audit.fingerprint(input.secret);
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(alertWebhook)
          .values({
            id,
            name: input.name,
            url,
            format: input.format,
            locale: input.locale,
            enabled: input.enabled,
            secretSealed: seal(keyring, input.secret, secretPlace(id)),
            createdBy: actor.userId,
          })
          .returning();
        if (!row) throw new Error('the webhook was not stored');
        await audit.record(tx, {
          action: 'alert_settings.changed',
          target: { kind: 'webhook', id },
          actor,
          details: {
            change: 'webhook.created',
            format: row.format,
            enabled: row.enabled,
            secretFingerprint: fingerprint,
          },
        });
        return viewOf(row);
      });
    },

    async updateWebhook(id: string, change: Partial<WebhookInput>, actor: AuditActor): Promise<WebhookView> {
      const url = change.url === undefined ? undefined : checkWebhookUrl(change.url);
      const fingerprint = change.secret === undefined ? null : await audit.fingerprint(change.secret);
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(alertWebhook)
          .set({
            ...(change.name === undefined ? {} : { name: change.name }),
            ...(url === undefined ? {} : { url }),
            ...(change.format === undefined ? {} : { format: change.format }),
            ...(change.locale === undefined ? {} : { locale: change.locale }),
            ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
            ...(change.secret === undefined ? {} : { secretSealed: seal(keyring, change.secret, secretPlace(id)) }),
            updatedAt: new Date(),
          })
          .where(eq(alertWebhook.id, id))
          .returning();
        if (!row) throw alertErrors.webhookNotFound();
        await audit.record(tx, {
          action: 'alert_settings.changed',
          target: { kind: 'webhook', id },
          actor,
          details: {
            change: 'webhook.updated',
            fields: Object.keys(change)
              .filter((key) => change[key as keyof WebhookInput] !== undefined)
              .sort()
              .join(','),
            ...(fingerprint ? { secretFingerprint: fingerprint } : {}),
          },
        });
        return viewOf(row);
      });
    },

    async deleteWebhook(id: string, actor: AuditActor): Promise<void> {
      await db.transaction(async (tx) => {
        const removed = await tx.delete(alertWebhook).where(eq(alertWebhook.id, id)).returning({ id: alertWebhook.id });
        if (removed.length === 0) throw alertErrors.webhookNotFound();
        await audit.record(tx, {
          action: 'alert_settings.changed',
          target: { kind: 'webhook', id },
          actor,
          details: { change: 'webhook.deleted' },
        });
      });
    },

    /** Stored choices of these accounts (read in the caller's transaction when given one). */
    async preferencesOf(ids: readonly string[], tx: Database = db): Promise<Map<string, Preference>> {
      if (ids.length === 0) return new Map();
      const rows = await tx
        .select({ userId: alertPreference.userId, email: alertPreference.email, locale: alertPreference.locale })
        .from(alertPreference)
        .where(inArray(alertPreference.userId, [...ids]));
      return new Map(rows.map((row) => [row.userId, { email: row.email, locale: row.locale }]));
    },

    async setPreference(userId: string, preference: Preference, actor: AuditActor): Promise<void> {
      await db.transaction(async (tx) => {
        const values = { email: preference.email, locale: preference.locale, updatedAt: new Date() };
        await tx
          .insert(alertPreference)
          .values({ userId, ...values })
          .onConflictDoUpdate({ target: alertPreference.userId, set: values });
        await audit.record(tx, {
          action: 'alert_settings.changed',
          target: { kind: 'alert_settings', id: userId },
          subjectUserId: userId,
          actor,
          details: { change: 'preference', email: preference.email, locale: preference.locale },
        });
      });
    },
  };
}

export type AlertSettings = ReturnType<typeof createAlertSettings>;
