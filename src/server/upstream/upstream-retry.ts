// The retry policy of every provider call, the pass-through's and the AI SDK stream's alike: one
// retry of ours, and only before the answer's first byte (the SDK's own retries are off).
import type { UpstreamError } from './upstream-error.ts';

/** Longest Retry-After we wait for inside one request before giving the 429 to the client. */
export const MAX_RETRY_WAIT_MS = 2_000;
export const DEFAULT_RETRY_WAIT_MS = 250;

/** How long to wait before the one retry, or null when the failure must go to the client. */
export function retryDelayMs(error: UpstreamError, attempt: number): number | null {
  if (!error.retryable || attempt > 1) return null;
  const waitMs = error.retryAfterSeconds === undefined ? DEFAULT_RETRY_WAIT_MS : error.retryAfterSeconds * 1000;
  return waitMs <= MAX_RETRY_WAIT_MS ? waitMs : null;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
