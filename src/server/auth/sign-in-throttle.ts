// Password guessing is throttled twice: per account (whoever tries, from however many addresses)
// and per client address (one address trying many accounts). Only failed attempts count; a
// successful sign-in clears the account's count. Counted in the rate-limit store (Redis when
// REDIS_URL is set, so every instance sees the same count); better-auth's own per-address limit on
// requests per minute still applies on top, counted in the same store (authRateLimitStorage).
import type { BetterAuthRateLimitStorage } from '@better-auth/core';
import type { RateLimits } from '../metering/rate-limits.ts';

/** Failed attempts allowed per account in the window, before it is locked until the window ends. */
export const ACCOUNT_FAILURES = 10;
const ACCOUNT_WINDOW_SECONDS = 15 * 60;
/** Failed attempts allowed per client address in the window (several accounts included). */
export const ADDRESS_FAILURES = 50;
const ADDRESS_WINDOW_SECONDS = 60 * 60;

export const SIGN_IN_PATH = '/api/auth/sign-in/email';

export function createSignInThrottle(rateLimits: RateLimits) {
  const account = (email: string) => email.trim().toLowerCase();
  return {
    /** Seconds the caller must wait, or 0 when the attempt may go ahead. */
    async waitSeconds(email: string | null, address: string) {
      const [byAccount, byAddress] = await Promise.all([
        email
          ? rateLimits.blockedFor('signin-account', account(email), ACCOUNT_FAILURES, ACCOUNT_WINDOW_SECONDS)
          : Promise.resolve(0),
        rateLimits.blockedFor('signin-address', address, ADDRESS_FAILURES, ADDRESS_WINDOW_SECONDS),
      ]);
      return Math.max(byAccount, byAddress);
    },
    async failed(email: string | null, address: string) {
      await Promise.all([
        email
          ? rateLimits.countFailure('signin-account', account(email), ACCOUNT_FAILURES, ACCOUNT_WINDOW_SECONDS)
          : Promise.resolve(),
        rateLimits.countFailure('signin-address', address, ADDRESS_FAILURES, ADDRESS_WINDOW_SECONDS),
      ]);
    },
    async succeeded(email: string) {
      await rateLimits.clearFailures('signin-account', account(email), ACCOUNT_FAILURES, ACCOUNT_WINDOW_SECONDS);
    },
  };
}

/**
 * better-auth's per-address limits (its rateLimit rules), for every better-auth instance WeBox
 * runs: the main one and the single sign-on one (sso-instance.ts) are given this one storage, so
 * they count together, in the rate-limit store (Redis when REDIS_URL is set: every WeBox instance
 * counts together too). better-auth's key is `<address>|<path>`; every sign-in path (`/sign-in/email`
 * on the main instance, `/sign-in/social` on the single sign-on one) counts under one key, so
 * trying both ways gets no more attempts than one.
 */
export function authRateLimitStorage(rateLimits: RateLimits): BetterAuthRateLimitStorage {
  return {
    async consume(key, rule) {
      const cut = key.indexOf('|');
      const address = cut === -1 ? '' : key.slice(0, cut);
      const path = cut === -1 ? key : key.slice(cut + 1);
      const bucket = path.startsWith('/sign-in/') ? `${address}|/sign-in/*` : key;
      const wait = await rateLimits.consumeAttempt('auth-requests', bucket, rule.max, rule.window);
      return wait === 0 ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: wait };
    },
  };
}
