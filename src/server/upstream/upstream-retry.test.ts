import { describe, expect, it } from 'vitest';
import { getProvider } from '../providers/registry.ts';
import { UpstreamError } from './upstream-error.ts';
import { DEFAULT_RETRY_WAIT_MS, MAX_RETRY_WAIT_MS, retryDelayMs } from './upstream-retry.ts';

const provider = getProvider('openai');
const failure = (failure: ConstructorParameters<typeof UpstreamError>[0]['failure'], retryAfterSeconds?: number) =>
  new UpstreamError({ provider, failure, retryAfterSeconds });

describe('retryDelayMs', () => {
  it('retries a rate limit, a server error or an unreachable provider once', () => {
    for (const kind of ['rate_limited', 'server_error', 'unreachable'] as const) {
      expect(retryDelayMs(failure(kind), 1)).toBe(DEFAULT_RETRY_WAIT_MS);
      expect(retryDelayMs(failure(kind), 2)).toBeNull();
    }
  });
  it('never retries what another try would not change', () => {
    for (const kind of ['timeout', 'rejected_key', 'bad_request'] as const)
      expect(retryDelayMs(failure(kind), 1)).toBeNull();
  });
  it('waits as long as Retry-After says, up to its bound, and gives a longer wait to the client', () => {
    expect(retryDelayMs(failure('rate_limited', 1), 1)).toBe(1000);
    expect(retryDelayMs(failure('rate_limited', MAX_RETRY_WAIT_MS / 1000), 1)).toBe(MAX_RETRY_WAIT_MS);
    expect(retryDelayMs(failure('rate_limited', MAX_RETRY_WAIT_MS / 1000 + 1), 1)).toBeNull();
  });
});
