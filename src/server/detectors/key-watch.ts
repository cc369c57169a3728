// What the providers say of the keys, watched at the end of every call: a global key refused
// (401/403) alerts the admins at once, a global key that keeps answering 429 alerts them once an
// hour, and a personal key refused alerts its owner. A key is named by its provider only; key
// versions are told apart by a keyed fingerprint (app.audit.fingerprint), so a replaced key that
// is refused again raises again, and the same key is raised once.
import type { NewAlert } from '../alerts/alert-store.ts';
import type { ObservedCall } from '../completions/completion-pipeline.ts';

/** This many 429s in a row from one provider's global key (on one instance)... */
export const RATE_LIMIT_STREAK = 5;
/** ...each within this long of the one before, make a streak. */
export const RATE_LIMIT_WINDOW_MS = 5 * 60_000;

interface Logger {
  warn(object: Record<string, unknown>, message: string): void;
}

const hourOf = (at: Date) => at.toISOString().slice(0, 13);

export function createKeyWatch(options: {
  raise: (alert: NewAlert) => Promise<unknown>;
  fingerprint: (secret: string) => Promise<string>;
  log: Logger;
  now?: () => Date;
}) {
  const { raise, fingerprint, log } = options;
  const now = options.now ?? (() => new Date());
  /** Per provider: the 429s in a row on its global key, and when the last came. */
  const streaks = new Map<string, { count: number; lastAt: number }>();

  /** Off the call's path: the fingerprint and the insert run after the call has ended. */
  function fire(call: ObservedCall, make: (keyVersion: string) => NewAlert) {
    // Read now: the key is the call's, and the closure must not outlive this moment.
    let secret: string;
    try {
      secret = call.key();
    } catch {
      return;
    }
    void fingerprint(secret)
      .then((keyVersion) => raise(make(keyVersion)))
      .catch((error: unknown) =>
        // The error is the database's (the key never enters an alert or a log line).
        log.warn({ err: error, provider: call.provider }, 'a key alert could not be raised'),
      );
  }

  function rateLimited(call: ObservedCall) {
    const at = now().getTime();
    const streak = streaks.get(call.provider);
    const count = streak && at - streak.lastAt <= RATE_LIMIT_WINDOW_MS ? streak.count + 1 : 1;
    streaks.set(call.provider, { count, lastAt: at });
    if (count < RATE_LIMIT_STREAK) return;
    const hour = hourOf(now());
    fire(call, (keyVersion) => ({
      kind: 'global_key.rate_limited',
      onceKey: `global_key.rate_limited|${call.provider}|${keyVersion}|${hour}`,
      severity: 'warning',
      audience: 'admins',
      provider: call.provider,
      details: { count },
    }));
  }

  return {
    observe(call: ObservedCall) {
      if (call.errorCode === 'provider_rejected_key') {
        const status = call.upstreamStatus;
        if (call.source === 'global') {
          fire(call, (keyVersion) => ({
            kind: 'global_key.rejected',
            onceKey: `global_key.rejected|${call.provider}|${keyVersion}`,
            severity: 'critical',
            audience: 'admins',
            provider: call.provider,
            details: { status },
          }));
        } else {
          fire(call, (keyVersion) => ({
            kind: 'personal_key.rejected',
            onceKey: `personal_key.rejected|${call.userId}|${call.provider}|${keyVersion}`,
            severity: 'warning',
            audience: 'user',
            subjectUserId: call.userId,
            provider: call.provider,
            details: { status },
          }));
        }
        return;
      }
      if (call.source !== 'global') return;
      if (call.errorCode === 'provider_rate_limited') rateLimited(call);
      // An answer ends the streak.
      else if (call.status < 400) streaks.delete(call.provider);
    },
  };
}
