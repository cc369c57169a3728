// The deliveries' outbox. A raise queues one alert_delivery row per e-mail recipient and per
// webhook in its own transaction (an alert is never raised without them); a worker on each
// instance claims the due rows with FOR UPDATE SKIP LOCKED and a lease (so two instances never
// take the same row, and one that dies mid-send leaves it to be taken again once the lease ends),
// sends, and reschedules a failure with backoff for about a day before giving it up as failed.
// The clock is injected: tests move it instead of waiting.
import { desc, eq, inArray, sql } from 'drizzle-orm';
import { type AlertLocale, alertWords } from '../../shared/alert-words.ts';
import type { AlertChannel, DeliveryView } from '../../shared/alerts.ts';
import type { CommitScope } from '../db/after-commit.ts';
import type { Database } from '../db/client.ts';
import { alert, alertDelivery } from '../db/schema/alerts.ts';
import type { MailContent } from '../mail/mail-templates.ts';
import type { AlertRow } from './alert-store.ts';
import { postWebhook, WEBHOOK_TIMEOUT_MS, webhookBody } from './webhook-sender.ts';

/**
 * Waits after the 1st, 2nd, … failed attempt; the attempt after the last one that fails gives the
 * delivery up (1 min + 5 min + 15 min + 1 h + 3 h + 6 h + 12 h: the last try ≈ 22 h after the first).
 */
export const RETRY_DELAYS_MS = [60_000, 300_000, 900_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long a claimed row is left to the instance sending it (well beyond a send's timeout). */
const LEASE_MS = 6 * WEBHOOK_TIMEOUT_MS;
/** Rows claimed per round. */
const BATCH = 20;
const MAX_ERROR = 160;

export interface DeliveryTarget {
  channel: AlertChannel;
  recipient: string;
}

export interface OutboxDependencies {
  db: Database;
  /** The words' money, in the display currency. */
  money: (microusd: number, locale: AlertLocale) => string;
  /** The e-mail of an account and the language it reads alerts in (null: the account is gone). */
  emailRecipient: (userId: string) => Promise<{ email: string; locale: AlertLocale } | null>;
  /** Null without WEBOX_SMTP_URL. */
  sendMail: ((to: string, content: MailContent) => Promise<void>) | null;
  mailOf: (alert: AlertRow, locale: AlertLocale) => MailContent;
  webhook: (id: string) => Promise<{
    url: string;
    format: 'json' | 'slack';
    locale: AlertLocale;
    enabled: boolean;
    openSecret: () => string;
  } | null>;
  onOutcome: (channel: AlertChannel, outcome: 'delivered' | 'failed' | 'retry') => void;
  log: { warn(object: object, message: string): void };
}

interface ClaimedRow {
  id: string;
  alert_id: string;
  channel: AlertChannel;
  recipient: string;
  attempts: number;
}

type Result = { ok: true } | { ok: false; error: string; final?: boolean };

/** Short, one line, and only ever words of ours (the senders build them). */
const shortError = (error: string) => error.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, MAX_ERROR);

export function createAlertOutbox(dependencies: OutboxDependencies) {
  const { db } = dependencies;

  async function send(row: ClaimedRow, raised: AlertRow, now: Date): Promise<Result> {
    if (row.channel === 'email') {
      if (!dependencies.sendMail) return { ok: false, error: 'e-mail is not configured', final: true };
      const recipient = await dependencies.emailRecipient(row.recipient);
      if (!recipient) return { ok: false, error: 'the account is gone', final: true };
      try {
        await dependencies.sendMail(recipient.email, dependencies.mailOf(raised, recipient.locale));
        return { ok: true };
      } catch (error) {
        const code = (error as { code?: unknown; responseCode?: unknown } | null)?.responseCode;
        const errno = (error as { code?: unknown } | null)?.code;
        if (typeof code === 'number') return { ok: false, error: `SMTP ${code}` };
        if (typeof errno === 'string' && /^[A-Z_]{2,40}$/.test(errno)) return { ok: false, error: `SMTP ${errno}` };
        return { ok: false, error: 'SMTP failure' };
      }
    }
    const hook = await dependencies.webhook(row.recipient);
    if (!hook) return { ok: false, error: 'the webhook was deleted', final: true };
    // A test is what an admin sends to try a webhook before turning it on.
    if (!hook.enabled && raised.kind !== 'test') return { ok: false, error: 'the webhook is disabled', final: true };
    let secret: string;
    try {
      secret = hook.openSecret();
    } catch {
      return { ok: false, error: 'the secret cannot be decrypted: save it again', final: true };
    }
    const words = alertWords(raised, hook.locale, (microusd) => dependencies.money(microusd, hook.locale));
    return postWebhook({ url: hook.url, secret, id: raised.id, body: webhookBody(raised, words, hook.format), now });
  }

  /** Claims due rows: each row goes to one instance (SKIP LOCKED), leased until it is settled. */
  async function claim(now: Date): Promise<ClaimedRow[]> {
    const lease = new Date(now.getTime() + LEASE_MS);
    const result = await db.execute(sql`
      UPDATE alert_delivery SET attempts = attempts + 1, next_attempt_at = ${lease.toISOString()}::timestamptz
      WHERE id IN (
        SELECT id FROM alert_delivery
        WHERE status = 'pending' AND next_attempt_at <= ${now.toISOString()}::timestamptz
        ORDER BY next_attempt_at
        LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, alert_id, channel, recipient, attempts`);
    return (result as unknown as { rows: ClaimedRow[] }).rows;
  }

  async function settle(row: ClaimedRow, result: Result, now: Date) {
    if (result.ok) {
      await db
        .update(alertDelivery)
        .set({ status: 'delivered', deliveredAt: now, lastError: null })
        .where(eq(alertDelivery.id, row.id));
      dependencies.onOutcome(row.channel, 'delivered');
      return;
    }
    const giveUp = result.final === true || row.attempts >= MAX_ATTEMPTS;
    const delay = RETRY_DELAYS_MS[row.attempts - 1] ?? 0;
    await db
      .update(alertDelivery)
      .set(
        giveUp
          ? { status: 'failed', lastError: shortError(result.error) }
          : { lastError: shortError(result.error), nextAttemptAt: new Date(now.getTime() + delay) },
      )
      .where(eq(alertDelivery.id, row.id));
    dependencies.onOutcome(row.channel, giveUp ? 'failed' : 'retry');
  }

  return {
    /** Queues the deliveries of an alert just raised, in the raise's transaction. */
    async queue(scope: CommitScope, raised: AlertRow, targets: readonly DeliveryTarget[]) {
      if (targets.length === 0) return;
      await scope.tx
        .insert(alertDelivery)
        .values(targets.map((target) => ({ alertId: raised.id, ...target, nextAttemptAt: raised.createdAt })))
        .onConflictDoNothing();
    },

    /** One round: claims what is due at `now`, sends it, settles it. Returns how many were tried. */
    async deliverRound(now: Date): Promise<number> {
      const rows = await claim(now);
      if (rows.length === 0) return 0;
      const alertIds = [...new Set(rows.map((row) => row.alert_id))];
      const alerts = new Map(
        (await db.select().from(alert).where(inArray(alert.id, alertIds))).map((row) => [row.id, row]),
      );
      await Promise.all(
        rows.map(async (row) => {
          const raised = alerts.get(row.alert_id);
          let result: Result;
          try {
            result = raised ? await send(row, raised, now) : { ok: false, error: 'the alert is gone', final: true };
          } catch (error) {
            dependencies.log.warn({ err: error, deliveryId: row.id }, 'an alert delivery failed unexpectedly');
            result = { ok: false, error: 'unexpected failure' };
          }
          await settle(row, result, now);
        }),
      );
      return rows.length;
    },

    /** The latest deliveries, newest first, for the admins' page (recipients named by the caller). */
    async recent(limit: number) {
      const rows = await db
        .select({ delivery: alertDelivery, kind: alert.kind })
        .from(alertDelivery)
        .innerJoin(alert, eq(alert.id, alertDelivery.alertId))
        .orderBy(desc(alertDelivery.createdAt), desc(alertDelivery.id))
        .limit(limit);
      return rows.map(({ delivery, kind }): Omit<DeliveryView, 'recipient'> & { recipientId: string } => ({
        id: delivery.id,
        alertId: delivery.alertId,
        kind,
        channel: delivery.channel,
        recipientId: delivery.recipient,
        status: delivery.status,
        attempts: delivery.attempts,
        nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
        lastError: delivery.lastError,
        deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
        createdAt: delivery.createdAt.toISOString(),
      }));
    },
  };
}

export type AlertOutbox = ReturnType<typeof createAlertOutbox>;
