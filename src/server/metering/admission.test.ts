// The admission gate, with the rate limits it really uses (in memory) and recording fakes for the
// policies, prices and quota: its order (calls in flight, then the minute, then the budget), the
// headers a refusal carries, the worst case it holds, and the slot every refusal gives back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../../test/helpers/errors.ts';
import { AppError } from '../errors.ts';
import { getProvider, maxOutputTokensOf, providers } from '../providers/registry.ts';
import { OUTPUT_TOKENS_CEILING } from '../providers/spec.ts';
import {
  type AdmissionRequest,
  createAdmission,
  DEFAULT_MAX_OUTPUT_TOKENS,
  worstCaseInputTokens,
} from './admission.ts';
import { costMicrousd, type Price } from './cost.ts';
import type { BudgetLimits, EffectiveLimits, LimitPolicies } from './limit-policies.ts';
import type { PriceBook } from './price-book.ts';
import type { Quota } from './quota.ts';
import type { HoldRequest } from './quota-hold.ts';
import { createRateLimits, type RateLimits } from './rate-limits.ts';

const silent = { warn: () => {}, info: () => {} };
const NO_LIMITS: BudgetLimits = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };
const DAILY_DOLLAR: BudgetLimits = { ...NO_LIMITS, dayMicrousd: 1_000_000 };
const catalogue = getProvider('openai').models.find((model) => model.id === 'gpt-4o-mini');
if (!catalogue) throw new Error('the catalogue lists gpt-4o-mini');
const PRICE: Price = { id: null, ...catalogue.pricing };

interface Options {
  budgets?: Partial<EffectiveLimits['budgets']>;
  requestsPerMinute?: number;
  tokensPerMinute?: number | null;
  maxInFlightPerUser?: number;
  price?: Price | null;
  /** What the quota does with a hold: takes it, or refuses with this error. */
  refuseHold?: AppError;
  /** The policies fail (the database is down). */
  policiesFail?: boolean;
}

let keyPrefix = 0;

/** An admission gate over fresh in-memory rate limits, with every collaborator's calls in `calls`. */
async function gate(options: Options = {}) {
  const calls: string[] = [];
  const holds: Array<{ request: HoldRequest; limits: BudgetLimits }> = [];
  const failClosed: boolean[] = [];
  const limits: EffectiveLimits = {
    budgets: { global: null, personal: null, ...options.budgets },
    requestsPerMinute: options.requestsPerMinute ?? 1_000,
    tokensPerMinute: options.tokensPerMinute ?? null,
    minUsefulOutputTokens: 256,
    overridden: { global: false, personal: false, requestsPerMinute: false, tokensPerMinute: false },
  };
  const policies: Pick<LimitPolicies, 'effective' | 'cached'> = {
    // Never cached: every admission reads the policies, so their place in the order shows.
    cached: () => undefined,
    async effective() {
      calls.push('policies');
      if (options.policiesFail) throw new Error('connect ECONNREFUSED');
      return limits;
    },
  };
  const real = await createRateLimits({ redisUrl: undefined, keyPrefix: `admission-${++keyPrefix}`, log: silent });
  const rates: RateLimits = {
    ...real,
    async takeRequest(perMinute, closed) {
      calls.push('rate');
      failClosed.push(closed);
      return real.takeRequest(perMinute, closed);
    },
    async checkTokens(key, perMinute, closed) {
      calls.push('tokens');
      return real.checkTokens(key, perMinute, closed);
    },
  };
  const quota: Pick<Quota, 'hold'> = {
    async hold(request, budget) {
      calls.push('hold');
      holds.push({ request, limits: budget });
      if (options.refuseHold) throw options.refuseHold;
      return () => calls.push(`release ${request.requestId}`);
    },
  };
  const prices: Pick<PriceBook, 'priceAt'> = {
    priceAt: () => (options.price === undefined ? PRICE : options.price),
  };
  const admission = createAdmission({
    policies: policies as LimitPolicies,
    rates,
    quota: quota as Quota,
    prices: prices as PriceBook,
    maxInFlightPerUser: options.maxInFlightPerUser ?? 32,
  });
  return { ...admission, calls, holds, failClosed };
}

let requestCounter = 0;
const request = (overrides: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  requestId: `request-${++requestCounter}`,
  userId: 'user-1',
  tokenId: null,
  tokenRequestsPerMinute: null,
  endpoint: 'gateway',
  provider: 'openai',
  model: 'gpt-4o-mini',
  source: 'global',
  promptBytes: 100,
  messageCount: 2,
  maxOutputTokens: null,
  ...overrides,
});

const quotaExceeded = () =>
  new AppError(429, 'quota_exceeded', 'Your daily budget is used up.', {
    details: { quota: { period: 'day' } },
    headers: { 'retry-after': '3600', 'x-should-retry': 'false' },
  });

describe('order: calls in flight, then the minute, then the budget', () => {
  it('a request past the in-flight cap is refused before its limits are read or its minute counted', async () => {
    const admission = await gate({ maxInFlightPerUser: 1, requestsPerMinute: 10 });
    await admission.admit(request());
    const callsBefore = [...admission.calls];

    const refused = await refusalOf(admission.admit(request()));
    expect(refused).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect(refused.message).toMatch(/1 requests in progress/);
    expect(refused.headers).toEqual({ 'retry-after': '1' });
    expect(admission.calls).toEqual(callsBefore);
    // Only the first request was counted against the minute.
    expect((await admission.peekHeaders('user-1'))['x-ratelimit-remaining']).toBe('9');
    // Another user is not held up by this one's calls.
    await expect(admission.admit(request({ userId: 'user-2' }))).resolves.toBeDefined();
  });

  it('a request over its minute is refused rate_limited and holds nothing', async () => {
    const admission = await gate({ requestsPerMinute: 1, budgets: { global: DAILY_DOLLAR } });
    await admission.admit(request());
    expect(admission.calls).toEqual(['policies', 'rate', 'hold']);

    const refused = await refusalOf(admission.admit(request()));
    expect(refused).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect(refused.message).toMatch(/your account allows 1 per minute/);
    expect(refused.headers?.['x-ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(admission.holds).toHaveLength(1);
  });

  it("a request past the minute's tokens is refused before the budget is asked", async () => {
    const admission = await gate({ tokensPerMinute: 10, budgets: { global: DAILY_DOLLAR } });
    (await admission.admit(request())).finish({ inputTokens: 6, outputTokens: 5 });
    // The tokens are counted without being awaited: let that write land.
    await new Promise((resolve) => setImmediate(resolve));

    const refused = await refusalOf(admission.admit(request()));
    expect(refused).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect(refused.message).toMatch(/10 tokens per minute/);
    expect(admission.calls.filter((call) => call === 'hold')).toHaveLength(1);
    expect(admission.calls.slice(-3)).toEqual(['policies', 'rate', 'tokens']);
  });

  it("the operator's keys fail closed when the limits cannot be counted, a user's own keys do not", async () => {
    const admission = await gate();
    await admission.admit(request({ source: 'global' }));
    await admission.admit(request({ source: 'personal' }));
    expect(admission.failClosed).toEqual([true, false]);
  });
});

describe('refusal headers', () => {
  it("a budget refusal carries the minute's X-RateLimit headers beside its own", async () => {
    const admission = await gate({
      requestsPerMinute: 5,
      budgets: { global: DAILY_DOLLAR },
      refuseHold: quotaExceeded(),
    });
    const refused = await refusalOf(admission.admit(request()));
    expect(refused).toMatchObject({
      statusCode: 429,
      code: 'quota_exceeded',
      message: 'Your daily budget is used up.',
      details: { quota: { period: 'day' } },
    });
    expect(refused.headers).toEqual({
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '4',
      'x-ratelimit-reset': expect.stringMatching(/^\d+$/),
      'retry-after': '3600',
      'x-should-retry': 'false',
    });
  });

  it('so do the 400s that come after the minute is counted', async () => {
    const admission = await gate({ requestsPerMinute: 5, budgets: { global: DAILY_DOLLAR }, price: null });
    const unpriced = await refusalOf(admission.admit(request({ model: 'gpt-unlisted' })));
    expect(unpriced).toMatchObject({ statusCode: 400, code: 'unpriced_model' });
    expect(unpriced.headers).toMatchObject({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4' });
  });

  it("an access token's own limit counts beside the account's, and the tighter one is in the headers", async () => {
    const admission = await gate({ requestsPerMinute: 100 });
    const viaToken = (overrides: Partial<AdmissionRequest> = {}) =>
      request({ tokenId: 'token-1', tokenRequestsPerMinute: 2, ...overrides });
    const first = await admission.admit(viaToken());
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    await admission.admit(viaToken());
    const refused = await refusalOf(admission.admit(viaToken()));
    expect(refused.message).toMatch(/this access token allows 2 per minute/);
    // The account's other token, and the account itself, go on.
    await expect(admission.admit(viaToken({ tokenId: 'token-2' }))).resolves.toBeDefined();
    const direct = await admission.admit(request());
    expect(direct.headers).toMatchObject({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '95' });
  });
});

describe('the in-flight slot', () => {
  const refusals: Array<[string, Options, Partial<AdmissionRequest>, string]> = [
    ['the minute', { requestsPerMinute: 1 }, {}, 'rate_limited'],
    ['the budget', { budgets: { global: DAILY_DOLLAR }, refuseHold: quotaExceeded() }, {}, 'quota_exceeded'],
    ['a missing price', { budgets: { global: DAILY_DOLLAR }, price: null }, {}, 'unpriced_model'],
    [
      'an unbounded parameter',
      { budgets: { global: DAILY_DOLLAR } },
      { unboundedParameters: ['web_search_options'] },
      'invalid_request',
    ],
    ['too much output', { budgets: { global: DAILY_DOLLAR } }, { choices: 2 ** 20 }, 'invalid_request'],
  ];

  for (const [what, options, overrides, code] of refusals) {
    it(`is given back when ${what} refuses the request`, async () => {
      const admission = await gate({ maxInFlightPerUser: 1, ...options });
      // The minute's refusal needs a first request to use the minute up.
      if (code === 'rate_limited') (await admission.admit(request())).finish(null);
      for (let attempt = 0; attempt < 3; attempt++) {
        expect((await refusalOf(admission.admit(request(overrides)))).code).toBe(code);
        expect(admission.inFlight('user-1')).toBe(0);
      }
    });
  }

  it('is given back when reading the limits fails', async () => {
    const admission = await gate({ maxInFlightPerUser: 1, policiesFail: true });
    await expect(admission.admit(request())).rejects.toThrow(/ECONNREFUSED/);
    await expect(admission.admit(request())).rejects.toThrow(/ECONNREFUSED/);
    expect(admission.inFlight('user-1')).toBe(0);
  });

  it('finish gives the slot and the hold back once, however often it is called', async () => {
    const admission = await gate({ maxInFlightPerUser: 2, budgets: { global: DAILY_DOLLAR } });
    const first = await admission.admit(request({ requestId: 'first' }));
    await admission.admit(request({ requestId: 'second' }));
    first.finish(null);
    first.finish(null);
    expect(admission.inFlight('user-1')).toBe(1);
    expect(admission.calls.filter((call) => call.startsWith('release'))).toEqual(['release first']);
  });

  it('for any run of admissions and ends, the count is what runs, and never above the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constant('admit' as const), fc.nat({ max: 7 })), { maxLength: 30 }),
        async (cap, steps) => {
          const admission = await gate({ maxInFlightPerUser: cap });
          const running: Array<{ finish(tokens: null): void }> = [];
          for (const step of steps) {
            if (step === 'admit') {
              const outcome = await admission.admit(request()).then(
                (admitted) => admitted,
                (error: AppError) => error,
              );
              if (outcome instanceof AppError) {
                expect(running).toHaveLength(cap);
                expect(outcome.code).toBe('rate_limited');
              } else {
                expect(running.length).toBeLessThan(cap);
                running.push(outcome);
              }
            } else if (running.length > 0) {
              const [ended] = running.splice(step % running.length, 1);
              ended?.finish(null);
              // Ending twice changes nothing.
              ended?.finish(null);
            }
            expect(admission.inFlight('user-1')).toBe(running.length);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('the worst case held', () => {
  const models = providers.flatMap((provider) =>
    provider.models.map((model) => ({ provider: provider.id, model: model.id, price: model.pricing })),
  );

  it('bounds every answer the request may get: each prompt byte a token, every answer at its limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...models),
        fc.record({
          promptBytes: fc.nat({ max: 2_000_000 }),
          messageCount: fc.integer({ min: 1, max: 500 }),
          maxOutputTokens: fc.option(fc.integer({ min: 1, max: 200_000 })),
          choices: fc.option(fc.integer({ min: 1, max: 128 }), { nil: undefined }),
          extraOutputTokens: fc.option(fc.nat({ max: 100_000 }), { nil: undefined }),
        }),
        fc.record({
          input: fc.double({ min: 0, max: 1, noNaN: true }),
          output: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        async (target, asked, used) => {
          const price: Price = { id: null, ...target.price };
          const admission = await gate({ budgets: { global: DAILY_DOLLAR }, price });
          const admitted = await admission.admit(request({ ...target, ...asked }));
          const cap =
            asked.maxOutputTokens ??
            Math.min(DEFAULT_MAX_OUTPUT_TOKENS, maxOutputTokensOf(target.provider, target.model));
          const inputTokens = asked.promptBytes + 8 * asked.messageCount;
          const outputTokens = (asked.choices ?? 1) * cap + (asked.extraOutputTokens ?? 0);
          expect(admitted.capOutputTokens).toBe(cap);
          expect(worstCaseInputTokens(asked.promptBytes, asked.messageCount)).toBe(inputTokens);
          const [held] = admission.holds;
          expect(held?.request).toMatchObject({
            inputTokens,
            outputTokens,
            microusd: costMicrousd({ inputTokens, outputTokens, cachedInputTokens: 0 }, price),
          });
          expect(held?.limits).toBe(DAILY_DOLLAR);
          // Whatever the provider then bills within those bounds costs no more than was held.
          const real = {
            inputTokens: Math.floor(used.input * inputTokens),
            outputTokens: Math.floor(used.output * outputTokens),
            cachedInputTokens: 0,
          };
          expect(costMicrousd(real, price)).toBeLessThanOrEqual(held?.request.microusd ?? -1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('asks the provider for no more than it held, even when the request set no limit', async () => {
    const admission = await gate({ budgets: { personal: { ...NO_LIMITS, monthTokens: 1_000_000 } } });
    const admitted = await admission.admit(request({ source: 'personal', maxOutputTokens: null }));
    expect(admitted.capOutputTokens).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
    expect(admission.holds[0]?.request.outputTokens).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
  });

  it('refuses, before any hold, a request whose answers together could exceed what one request may ask', async () => {
    const admission = await gate({ budgets: { global: DAILY_DOLLAR } });
    const choices = Math.floor(OUTPUT_TOKENS_CEILING / 4096) + 1;
    const refused = await refusalOf(admission.admit(request({ maxOutputTokens: 4096, choices })));
    expect(refused).toMatchObject({ statusCode: 400, code: 'invalid_request', details: { param: 'n' } });
    // One answer fewer fits, just.
    await admission.admit(request({ maxOutputTokens: 4096, choices: choices - 1 }));
    expect(admission.holds).toHaveLength(1);
  });

  it('holds nothing and caps nothing when no budget applies, and lets unbounded parameters through', async () => {
    const admission = await gate({ budgets: { personal: DAILY_DOLLAR } });
    const free = await admission.admit(request({ unboundedParameters: ['web_search_options'] }));
    expect(free.capOutputTokens).toBeNull();
    expect((await admission.admit(request({ maxOutputTokens: 77 }))).capOutputTokens).toBe(77);
    expect(admission.holds).toHaveLength(0);
  });

  it('refuses what it cannot bound while a budget applies, naming the parameter', async () => {
    const admission = await gate({ budgets: { global: DAILY_DOLLAR } });
    const refused = await refusalOf(admission.admit(request({ unboundedParameters: ['web_search_options', 'audio'] })));
    expect(refused).toMatchObject({
      statusCode: 400,
      code: 'invalid_request',
      details: { param: 'web_search_options' },
    });
    expect(admission.holds).toHaveLength(0);
  });

  it('refuses a model without a price under a money budget, and holds it at no cost under a token budget', async () => {
    const money = await gate({ budgets: { global: { ...NO_LIMITS, monthMicrousd: 5_000_000 } }, price: null });
    expect((await refusalOf(money.admit(request({ model: 'gpt-unlisted' })))).code).toBe('unpriced_model');
    expect(money.holds).toHaveLength(0);

    const tokens = await gate({ budgets: { global: { ...NO_LIMITS, dayTokens: 1_000_000 } }, price: null });
    await tokens.admit(request({ model: 'gpt-unlisted', maxOutputTokens: 10 }));
    expect(tokens.holds[0]?.request).toMatchObject({ microusd: 0, inputTokens: 116, outputTokens: 10 });
  });
});
