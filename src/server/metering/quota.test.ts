// Budget holds on a real database (PGlite, or PostgreSQL with DATABASE_URL) with the real usage
// ledger: a hold is taken exactly when the worst case fits every limit, a refusal names the limit
// and when it resets, spent is what the ledger charged in the operator's day and month, the
// ledger's row replaces the hold, and an orphaned hold is charged once.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import { refusalOf } from '../../../test/helpers/errors.ts';
import { createLocalBus } from '../cache/change-bus.ts';
import { AppError } from '../errors.ts';
import { costMicrousd, type Price } from './cost.ts';
import type { BudgetLimits, KeySource } from './limit-policies.ts';
import type { PriceBook } from './price-book.ts';
import { createQuota, type Quota } from './quota.ts';
import type { HoldRequest } from './quota-hold.ts';
import { createUsageLedger, type UsageLedger } from './usage-ledger.ts';
import type { UsageRecord } from './usage-row.ts';

const TIMEZONE = 'Europe/Paris';
const silent = { warn: () => {}, error: () => {} };
const NO_LIMITS: BudgetLimits = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };
const PRICE: Price = {
  id: null,
  inputMicrousdPerMtok: 1_000_000,
  outputMicrousdPerMtok: 2_000_000,
  cachedInputMicrousdPerMtok: null,
};
const prices: Pick<PriceBook, 'priceAt'> = { priceAt: () => PRICE };

let testDatabase: Awaited<ReturnType<typeof openTestDatabase>>;
let ledger: UsageLedger;
let quota: Quota;
let userCounter = 0;
let requestCounter = 0;

/** A new account (its own budgets and rollups). */
async function newUser() {
  const id = `quota-user-${++userCounter}`;
  await testDatabase.addUser(id);
  return id;
}

const holdRequest = (userId: string, overrides: Partial<HoldRequest> = {}): HoldRequest => ({
  requestId: `quota-request-${++requestCounter}`,
  userId,
  tokenId: null,
  endpoint: 'gateway',
  provider: 'openai',
  model: 'gpt-4o-mini',
  source: 'global',
  inputTokens: 10,
  outputTokens: 10,
  microusd: 100,
  ...overrides,
});

const usage = (userId: string, overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  requestId: `quota-usage-${++requestCounter}`,
  userId,
  endpoint: 'gateway',
  provider: 'openai',
  model: 'gpt-4o-mini',
  keySource: 'global',
  tokens: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0 },
  status: 200,
  ...overrides,
});
/** What a usage() row costs at PRICE: 100 µ$ in, 100 µ$ out. */
const USAGE_COST = 200;

const line = async (userId: string, source: KeySource, limits: BudgetLimits, period: string, unit: string) =>
  (await quota.status(userId, source, limits)).find((entry) => entry.period === period && entry.unit === unit);

beforeAll(async () => {
  testDatabase = await openTestDatabase();
  ledger = createUsageLedger({
    query: testDatabase.database.query,
    prices: prices as PriceBook,
    timezone: TIMEZONE,
    log: silent,
  });
  quota = createQuota({
    database: testDatabase.database,
    ledger,
    bus: createLocalBus(),
    timezone: TIMEZONE,
    holdTtlMs: 60_000,
    log: silent,
  });
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await quota?.close();
  await ledger?.close();
  await testDatabase?.close();
});

describe('holds', () => {
  it('are taken exactly while spent + held + this request fits the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5_000 }),
        fc.array(fc.integer({ min: 1, max: 2_000 }), { minLength: 1, maxLength: 8 }),
        async (limit, sizes) => {
          const userId = await newUser();
          const budget = { ...NO_LIMITS, dayMicrousd: limit };
          let held = 0;
          let taken = 0;
          for (const microusd of sizes) {
            const outcome = await quota.hold(holdRequest(userId, { microusd }), budget).then(
              () => null,
              (error: unknown) => error,
            );
            if (held + microusd <= limit) {
              expect(outcome).toBeNull();
              held += microusd;
              taken++;
            } else {
              expect(outcome).toBeInstanceOf(AppError);
              expect((outcome as AppError).details?.quota).toMatchObject({
                limit,
                remaining: limit - held,
                requested: microusd,
              });
            }
          }
          expect(await quota.openHolds(userId)).toBe(taken);
          expect((await line(userId, 'global', budget, 'day', 'microusd'))?.held).toBe(held);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('50 at once against a budget for 10: exactly 10 are held', async () => {
    const userId = await newUser();
    const budget = { ...NO_LIMITS, dayMicrousd: 1_000 };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => quota.hold(holdRequest(userId, { microusd: 100 }), budget)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(10);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'quota_exceeded' });
    }
    expect(await quota.openHolds(userId)).toBe(10);
  });

  it('count tokens as input + output against token limits, and each key source apart', async () => {
    const userId = await newUser();
    const budget = { ...NO_LIMITS, dayTokens: 100 };
    await quota.hold(holdRequest(userId, { inputTokens: 60, outputTokens: 30 }), budget);
    const refused = await refusalOf(quota.hold(holdRequest(userId, { inputTokens: 6, outputTokens: 5 }), budget));
    expect(refused.details?.quota).toMatchObject({ unit: 'tokens', limit: 100, remaining: 10, requested: 11 });
    expect(refused.message).toContain('daily token budget on the shared (global) keys');
    expect(refused.message).toContain('10 tokens of 100 tokens left');
    // The same user's personal keys have their own budget.
    await quota.hold(holdRequest(userId, { source: 'personal', inputTokens: 60, outputTokens: 30 }), budget);
    expect(await quota.openHolds(userId)).toBe(2);
  });
});

describe('a refusal', () => {
  it('names the first limit the worst case does not fit, what is left, and when it resets', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-15T11:00:00Z'));
    const userId = await newUser();
    const budget = { dayMicrousd: 1_000, monthMicrousd: 500, dayTokens: 1_000_000, monthTokens: null };
    const refused = await refusalOf(quota.hold(holdRequest(userId, { microusd: 600 }), budget));
    // Paris: April begins at midnight summer time, 22:00 UTC on March 31.
    const resetsAt = '2026-03-31T22:00:00.000Z';
    expect(refused).toMatchObject({ statusCode: 429, code: 'quota_exceeded' });
    expect(refused.details).toEqual({
      quota: {
        source: 'global',
        period: 'month',
        unit: 'microusd',
        limit: 500,
        remaining: 500,
        requested: 600,
        resetsAt,
      },
    });
    expect(refused.message).toBe(
      'Your monthly budget on the shared (global) keys is used up: $0.0005 of $0.0005 left, and this request may ' +
        `use up to $0.0006. It resets at ${resetsAt}.`,
    );
    expect(refused.headers).toEqual({
      'retry-after': String((Date.parse(resetsAt) - Date.parse('2026-03-15T11:00:00Z')) / 1000),
      'x-should-retry': 'false',
    });
    expect(await quota.openHolds(userId)).toBe(0);
  });
});

describe('spent', () => {
  it("is what the ledger charged: today's rows count for the day and the month, the month's earlier days for the month, other months for neither", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-15T11:00:00Z'));
    const userId = await newUser();
    ledger.record(usage(userId, { at: new Date('2026-03-15T09:00:00Z') }));
    ledger.record(usage(userId, { at: new Date('2026-03-14T23:30:00Z') })); // 00:30 on the 15th in Paris
    ledger.record(usage(userId, { at: new Date('2026-02-28T23:30:00Z') })); // 00:30 on March 1st in Paris
    ledger.record(usage(userId, { at: new Date('2026-02-28T22:30:00Z') })); // 23:30 on February 28th in Paris
    ledger.record(usage(userId, { keySource: 'personal', at: new Date('2026-03-15T09:00:00Z') }));
    await ledger.flush();

    const budget = { dayMicrousd: 1_000, monthMicrousd: 700, dayTokens: 10_000, monthTokens: 10_000 };
    const lines = await quota.status(userId, 'global', budget);
    expect(lines.map(({ period, unit, spent, held, remaining }) => ({ period, unit, spent, held, remaining }))).toEqual(
      [
        { period: 'day', unit: 'microusd', spent: 2 * USAGE_COST, held: 0, remaining: 1_000 - 2 * USAGE_COST },
        { period: 'month', unit: 'microusd', spent: 3 * USAGE_COST, held: 0, remaining: 100 },
        { period: 'day', unit: 'tokens', spent: 300, held: 0, remaining: 9_700 },
        { period: 'month', unit: 'tokens', spent: 450, held: 0, remaining: 9_550 },
      ],
    );
    expect(lines[0]?.resetsAt).toBe('2026-03-15T23:00:00.000Z');
    expect(lines[1]?.percent).toBe(85.7);

    // A limit lowered below what was spent leaves nothing, and says by how much it was passed.
    const [over] = await quota.status(userId, 'global', { ...NO_LIMITS, dayMicrousd: 300 });
    expect(over).toMatchObject({ spent: 400, remaining: 0, percent: 133.3 });
    const [none] = await quota.status(userId, 'global', { ...NO_LIMITS, dayMicrousd: 0 });
    expect(none).toMatchObject({ remaining: 0, percent: 100 });
    expect(await quota.status(userId, 'global', null)).toEqual([]);

    const byUser = await quota.spentByUser('global');
    expect(byUser.get(userId)).toEqual({
      dayMicrousd: 2 * USAGE_COST,
      monthMicrousd: 3 * USAGE_COST,
      dayTokens: 300,
      monthTokens: 450,
    });
  });

  it("replaces the hold once the ledger writes the request's row, in the same statement", async () => {
    const userId = await newUser();
    const budget = { ...NO_LIMITS, dayMicrousd: 10_000 };
    const request = holdRequest(userId, { microusd: 5_000 });
    const release = await quota.hold(request, budget);
    expect(await line(userId, 'global', budget, 'day', 'microusd')).toMatchObject({ spent: 0, held: 5_000 });

    ledger.record(usage(userId, { requestId: request.requestId }));
    await ledger.flush();
    release();
    expect(await line(userId, 'global', budget, 'day', 'microusd')).toMatchObject({
      spent: USAGE_COST,
      held: 0,
      remaining: 10_000 - USAGE_COST,
    });
    expect(await quota.openHolds(userId)).toBe(0);
  });
});

describe('an orphaned hold', () => {
  it('is charged once, at its worst case, flagged estimated', async () => {
    const userId = await newUser();
    const budget = { ...NO_LIMITS, dayMicrousd: 10_000 };
    // A process that took a hold and died: nothing keeps its hold alive.
    const dead = createQuota({
      database: testDatabase.database,
      ledger,
      bus: createLocalBus(),
      timezone: TIMEZONE,
      holdTtlMs: 1,
      log: silent,
    });
    const request = holdRequest(userId, { microusd: 4_321, inputTokens: 1_000, outputTokens: 2_000 });
    await dead.hold(request, budget);
    await dead.close();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(await quota.sweep()).toBeGreaterThanOrEqual(1);
    expect(await quota.openHolds(userId)).toBe(0);
    const { rows } = await testDatabase.database.query<Record<string, unknown>>(
      `select cost_microusd::int as cost, input_tokens, output_tokens, estimated, status, error_code
       from usage_event where request_id = $1`,
      [request.requestId],
    );
    expect(rows).toEqual([
      {
        cost: 4_321,
        input_tokens: 1_000,
        output_tokens: 2_000,
        estimated: true,
        status: 500,
        error_code: 'hold_expired',
      },
    ]);
    expect(await line(userId, 'global', budget, 'day', 'microusd')).toMatchObject({ spent: 4_321, held: 0 });
    // Charged once: the hold is gone, and the row is not written twice.
    await quota.sweep();
    expect(await line(userId, 'global', budget, 'day', 'microusd')).toMatchObject({ spent: 4_321 });
    // What it held, not its tokens priced again (that would be another figure).
    expect(costMicrousd({ inputTokens: 1_000, outputTokens: 2_000, cachedInputTokens: 0 }, PRICE)).not.toBe(4_321);
  });
});
