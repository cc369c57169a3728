// Requests and tokens per minute, counted with rate-limiter-flexible: in this process's memory by
// default, in Redis when REDIS_URL is set (the only way several instances count together: each
// instance counting alone would let N times the limit through). Windows are fixed minutes that
// start at a key's first request.
//
// When Redis cannot be reached, global-key traffic fails closed (503 limits_unavailable: spending
// the operator's keys unmetered is worse than a pause) and personal-key traffic goes on, counted in
// memory meanwhile. ioredis reconnects by itself; counting in Redis resumes when it answers again.
import type { Redis as RedisClient } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { meteringErrors } from './metering-errors.ts';

type Limiter = RateLimiterMemory | RateLimiterRedis;

const WINDOW_SECONDS = 60;

/** What the X-RateLimit-* headers say about one answer. */
export interface RateWindow {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export const rateLimitHeaders = (window: RateWindow) => ({
  'x-ratelimit-limit': String(window.limit),
  'x-ratelimit-remaining': String(window.remaining),
  'x-ratelimit-reset': String(window.resetSeconds),
});

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

interface RateLogger {
  warn(object: Record<string, unknown>, message: string): void;
  info(object: Record<string, unknown>, message: string): void;
}

export async function createRateLimits(options: { redisUrl: string | undefined; keyPrefix: string; log: RateLogger }) {
  const { log } = options;
  const KEY_PREFIX = `${options.keyPrefix}:rl`;
  // The Redis client is loaded only when there is a Redis to talk to.
  const Redis = options.redisUrl ? (await import('ioredis')).Redis : null;
  const redis: RedisClient | null =
    options.redisUrl && Redis
      ? new Redis(options.redisUrl, {
          // Fail fast while disconnected instead of queueing: a request must not wait on Redis.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: 1_000,
          connectTimeout: 2_000,
          lazyConnect: false,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
        })
      : null;
  let redisDown = false;
  redis?.on('error', (error) => {
    if (!redisDown) log.warn({ err: error }, 'Redis is unreachable: global-key traffic is paused until it returns');
    redisDown = true;
  });
  redis?.on('ready', () => {
    if (redisDown) log.info({}, 'Redis is back: rate limits are counted there again');
    redisDown = false;
  });

  const shared = new Map<string, Limiter>();
  const local = new Map<string, RateLimiterMemory>();

  /** One limiter per kind and size (a user given another limit counts in a fresh window). */
  function limiterFor(kind: string, points: number, store: 'shared' | 'local'): Limiter {
    const name = `${kind}:${points}`;
    const pool = store === 'shared' ? shared : local;
    let limiter = pool.get(name);
    if (!limiter) {
      const settings = { points, duration: WINDOW_SECONDS, keyPrefix: `${KEY_PREFIX}:${name}` };
      limiter =
        store === 'shared' && redis
          ? new RateLimiterRedis({ ...settings, storeClient: redis, rejectIfRedisNotReady: true })
          : new RateLimiterMemory(settings);
      pool.set(name, limiter);
    }
    return limiter;
  }

  /**
   * Runs one limiter operation on the shared store; on a store failure, fails closed (throws
   * limits_unavailable) or falls back to this process's memory.
   */
  async function onStore<T>(
    kind: string,
    points: number,
    failClosed: boolean,
    operation: (limiter: Limiter) => Promise<T>,
  ): Promise<T> {
    try {
      return await operation(limiterFor(kind, points, 'shared'));
    } catch (error) {
      if (error instanceof RateLimiterRes || !redis) throw error;
      if (failClosed) throw meteringErrors.limitsUnavailable();
      return operation(limiterFor(kind, points, 'local'));
    }
  }

  function rateLimited(what: string, res: RateLimiterRes, limit: number) {
    const window = { limit, remaining: 0, resetSeconds: seconds(res.msBeforeNext) };
    return meteringErrors.tooManyRequests(what, limit, window.resetSeconds, rateLimitHeaders(window));
  }

  return {
    store: redis ? ('redis' as const) : ('memory' as const),

    /**
     * Counts one request against each limit given (the user's, and the access token's when it has
     * its own); the tightest window is the one the headers describe. Throws 429 rate_limited.
     */
    async takeRequest(
      limits: Array<{ key: string; perMinute: number; what: string }>,
      failClosed: boolean,
    ): Promise<RateWindow> {
      let tightest: RateWindow | null = null;
      for (const { key, perMinute, what } of limits) {
        let res: RateLimiterRes;
        try {
          res = await onStore(`rpm`, perMinute, failClosed, (limiter) => limiter.consume(key));
        } catch (error) {
          if (error instanceof RateLimiterRes) throw rateLimited(what, error, perMinute);
          throw error;
        }
        const window = { limit: perMinute, remaining: res.remainingPoints, resetSeconds: seconds(res.msBeforeNext) };
        if (!tightest || window.remaining < tightest.remaining) tightest = window;
      }
      if (!tightest) throw new Error('takeRequest needs at least one limit');
      return tightest;
    },

    /** The user's window as it stands, without counting anything (a store failure reads as a fresh window). */
    async peek(key: string, perMinute: number): Promise<RateWindow> {
      const res = await limiterFor('rpm', perMinute, 'shared')
        .get(key)
        .catch(() => null);
      return res
        ? {
            limit: perMinute,
            remaining: Math.max(0, perMinute - res.consumedPoints),
            resetSeconds: seconds(res.msBeforeNext),
          }
        : { limit: perMinute, remaining: perMinute, resetSeconds: WINDOW_SECONDS };
    },

    /** Refuses a request when the minute's tokens are already used up (counted after each answer). */
    async checkTokens(key: string, perMinute: number, failClosed: boolean) {
      const res = await onStore('tpm', perMinute, failClosed, (limiter) => limiter.get(key));
      if (res && res.consumedPoints >= perMinute) {
        throw meteringErrors.tooManyTokens(perMinute, seconds(res.msBeforeNext));
      }
    },

    /** Adds an answer's tokens to the minute's count (never refuses: the answer is already sent). */
    async addTokens(key: string, perMinute: number, tokens: number) {
      if (tokens <= 0) return;
      await onStore('tpm', perMinute, false, (limiter) => limiter.penalty(key, Math.ceil(tokens))).catch((error) =>
        log.warn({ err: error }, 'tokens per minute could not be counted'),
      );
    },

    /** Generic throttles (sign-in attempts): consume on failure, refuse while blocked. */
    async blockedFor(kind: string, key: string, points: number, durationSeconds: number) {
      const limiter = throttle(kind, points, durationSeconds);
      const res = await limiter.get(key).catch(() => null);
      return res && res.consumedPoints >= points ? seconds(res.msBeforeNext) : 0;
    },
    async countFailure(kind: string, key: string, points: number, durationSeconds: number) {
      await throttle(kind, points, durationSeconds)
        .penalty(key, 1)
        .catch(() => {});
    },
    /** Counts one attempt; 0 when it may go ahead, else the seconds until the window frees up (not counted). */
    async consumeAttempt(kind: string, key: string, points: number, durationSeconds: number): Promise<number> {
      try {
        await throttle(kind, points, durationSeconds).consume(key);
        return 0;
      } catch (error) {
        if (error instanceof RateLimiterRes) return seconds(error.msBeforeNext);
        // The store failed (and its insurance in memory with it): the attempt is not held up.
        return 0;
      }
    },
    async clearFailures(kind: string, key: string, points: number, durationSeconds: number) {
      await throttle(kind, points, durationSeconds)
        .delete(key)
        .catch(() => {});
    },

    async close() {
      redis?.disconnect();
    },
  };

  /** Throttles keep their own durations; on a Redis failure they count in memory (never fail closed). */
  function throttle(kind: string, points: number, durationSeconds: number) {
    const name = `${kind}:${points}:${durationSeconds}`;
    const settings = { points, duration: durationSeconds, keyPrefix: `${KEY_PREFIX}:${name}` };
    let limiter = shared.get(name);
    if (!limiter) {
      limiter = redis
        ? new RateLimiterRedis({
            ...settings,
            storeClient: redis,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new RateLimiterMemory(settings),
          })
        : new RateLimiterMemory(settings);
      shared.set(name, limiter);
    }
    return limiter;
  }
}

export type RateLimits = Awaited<ReturnType<typeof createRateLimits>>;
