// Posting one alert to one webhook, signed the Standard Webhooks way (docs/alerts.md):
//   webhook-id: <alert id>            the same on every retry, so a receiver drops a repeat
//   webhook-timestamp: <unix seconds> when this attempt was signed
//   webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>
// where the key is the secret's bytes (a `whsec_…` secret: the base64 after the prefix, as the
// Standard Webhooks libraries read it). 10 s at most, no redirect followed, the answer's body read
// and thrown away: what is kept is a short status, never what the receiver said.
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import type { AlertWords } from '../../shared/alert-words.ts';
import type { WebhookFormat } from '../../shared/alerts.ts';
import type { AlertRow } from './alert-store.ts';
import { guardedLookup, isRefusedAddress, RefusedAddressError } from './webhook-url.ts';

/** The longest a delivery may take, connection included. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** The HMAC key of a secret: a `whsec_` secret is base64 (Standard Webhooks), any other its UTF-8 bytes. */
export function signingKey(secret: string): Buffer {
  if (secret.startsWith('whsec_')) {
    const decoded = Buffer.from(secret.slice('whsec_'.length), 'base64');
    if (decoded.length > 0) return decoded;
  }
  return Buffer.from(secret, 'utf8');
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${digest}`;
}

/** What is posted: built from the alert row's scalars and its words, never anything else. */
export function webhookBody(alert: AlertRow, words: AlertWords, format: WebhookFormat): string {
  const text = `${words.title}: ${words.text}`;
  if (format === 'slack') return JSON.stringify({ text });
  return JSON.stringify({
    id: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    createdAt: alert.createdAt.toISOString(),
    ...(alert.provider ? { provider: alert.provider } : {}),
    details: alert.details,
    title: words.title,
    text,
  });
}

export type SendOutcome = { ok: true } | { ok: false; error: string };

const agent = new Agent({
  connect: { lookup: guardedLookup, timeout: WEBHOOK_TIMEOUT_MS },
  headersTimeout: WEBHOOK_TIMEOUT_MS,
  bodyTimeout: WEBHOOK_TIMEOUT_MS,
  // A delivery is rare: no socket is kept waiting for the next one.
  keepAliveTimeout: 1_000,
});

/** A failure in a few words of ours: never the URL, the receiver's text or the secret. */
function describe(error: unknown): string {
  if (error instanceof RefusedAddressError) return 'refused address (link-local or cloud metadata)';
  const found = [error, (error as { cause?: unknown } | null)?.cause].find(
    (entry) => entry instanceof RefusedAddressError,
  );
  if (found) return 'refused address (link-local or cloud metadata)';
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  const code = (error as { code?: unknown } | null)?.code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return 'timeout';
  }
  if (code === 'EREFUSEDADDRESS') return 'refused address (link-local or cloud metadata)';
  if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return `connection failed (${code})`;
  return 'connection failed';
}

export async function postWebhook(input: { url: string; secret: string; id: string; body: string; now: Date }) {
  const url = new URL(input.url);
  // A literal address is connected to without a lookup: judged here instead.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && isRefusedAddress(host)) {
    return { ok: false, error: 'refused address (link-local or cloud metadata)' } satisfies SendOutcome;
  }
  const timestamp = Math.floor(input.now.getTime() / 1000);
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'WeBox-Alerts',
        'webhook-id': input.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(input.secret, input.id, timestamp, input.body),
      },
      body: input.body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.body.dump({ limit: 64 * 1024 }).catch(() => {});
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true } satisfies SendOutcome;
    if (status >= 300 && status < 400) {
      return { ok: false, error: `HTTP ${status} (redirects are not followed)` } satisfies SendOutcome;
    }
    return { ok: false, error: `HTTP ${status}` } satisfies SendOutcome;
  } catch (error) {
    return { ok: false, error: describe(error) } satisfies SendOutcome;
  }
}
