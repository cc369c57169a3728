// The key watch alone: which call endings raise what, the 429 streak's window and reset, and that
// an alert names the provider and a fingerprint, never the key.
import { describe, expect, it } from 'vitest';
import type { NewAlert } from '../alerts/alert-store.ts';
import type { ObservedCall } from '../completions/completion-pipeline.ts';
import { createKeyWatch, RATE_LIMIT_STREAK, RATE_LIMIT_WINDOW_MS } from './key-watch.ts';

const KEY = 'sk-canary-0123456789abcdef';

function watch() {
  const raised: NewAlert[] = [];
  let now = Date.parse('2026-12-02T10:00:00Z');
  const keys = createKeyWatch({
    raise: async (alert) => {
      raised.push(alert);
    },
    fingerprint: async (secret) => (secret === KEY ? 'fp-one' : 'fp-other'),
    log: { warn: () => {} },
    now: () => new Date(now),
  });
  return {
    raised,
    keys,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const call = (change: Partial<ObservedCall>): ObservedCall => ({
  userId: 'u1',
  provider: 'openai',
  source: 'global',
  status: 200,
  errorCode: null,
  upstreamStatus: null,
  key: () => KEY,
  ...change,
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const limited = call({ status: 429, errorCode: 'provider_rate_limited', upstreamStatus: 429 });

describe('the key watch', () => {
  it('a refused global key raises for the admins, a refused personal key for its owner; never the key itself', async () => {
    const { raised, keys } = watch();
    keys.observe(call({ status: 502, errorCode: 'provider_rejected_key', upstreamStatus: 403 }));
    keys.observe(call({ source: 'personal', status: 502, errorCode: 'provider_rejected_key', upstreamStatus: 401 }));
    await settle();
    expect(raised).toEqual([
      expect.objectContaining({
        kind: 'global_key.rejected',
        audience: 'admins',
        onceKey: 'global_key.rejected|openai|fp-one',
        details: { status: 403 },
      }),
      expect.objectContaining({
        kind: 'personal_key.rejected',
        audience: 'user',
        subjectUserId: 'u1',
        onceKey: 'personal_key.rejected|u1|openai|fp-one',
      }),
    ]);
    expect(JSON.stringify(raised)).not.toContain(KEY);
  });

  it(`${RATE_LIMIT_STREAK} 429s in a row within the window raise; an answer or a long gap starts again`, async () => {
    const { raised, keys, advance } = watch();
    for (let count = 0; count < RATE_LIMIT_STREAK - 1; count++) keys.observe(limited);
    keys.observe(call({}));
    for (let count = 0; count < RATE_LIMIT_STREAK - 1; count++) keys.observe(limited);
    advance(RATE_LIMIT_WINDOW_MS + 1);
    keys.observe(limited);
    await settle();
    expect(raised).toHaveLength(0);
    for (let count = 0; count < RATE_LIMIT_STREAK - 1; count++) keys.observe(limited);
    await settle();
    expect(raised).toEqual([
      expect.objectContaining({
        kind: 'global_key.rate_limited',
        onceKey: 'global_key.rate_limited|openai|fp-one|2026-12-02T10',
        details: { count: RATE_LIMIT_STREAK },
      }),
    ]);
    // A personal key's 429s are the user's affair.
    keys.observe(call({ source: 'personal', status: 429, errorCode: 'provider_rate_limited' }));
    await settle();
    expect(raised).toHaveLength(1);
  });
});
