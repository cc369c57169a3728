// The usage ledger. Over a recording fake of the database: what a row holds once made safe, when
// batches go and how large, that a row the database refuses is set aside alone while every other
// row is written once and in order, and that nothing is lost while the database is away. Over a
// real database: one row per request id, rollups that always equal their events, and the holds of
// the written requests released in the same statement.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { costMicrousd, type Price } from './cost.ts';
import type { PriceBook } from './price-book.ts';
import { createUsageLedger, FLUSH_INTERVAL_MS, type UsageLedger } from './usage-ledger.ts';
import type { UsageRecord } from './usage-row.ts';

const PRICE: Price = {
  id: 'price-1',
  inputMicrousdPerMtok: 150_000,
  outputMicrousdPerMtok: 600_000,
  cachedInputMicrousdPerMtok: 75_000,
};
const prices: Pick<PriceBook, 'priceAt'> = {
  priceAt: (_provider, model) => (model === 'unpriced-model' ? null : PRICE),
};

/** The statement's parameters, one array per column, in this order. */
const COLUMNS = [
  'requestId',
  'userId',
  'tokenId',
  'endpoint',
  'provider',
  'model',
  'keySource',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'costMicrousd',
  'inputMicrousdPerMtok',
  'outputMicrousdPerMtok',
  'cachedInputMicrousdPerMtok',
  'unpriced',
  'estimated',
  'status',
  'errorCode',
  'latencyMs',
  'firstTokenMs',
  'createdAt',
  'day',
] as const;
type Row = Record<(typeof COLUMNS)[number], unknown>;

const rowsOf = (params: unknown[]): Row[] =>
  (params[0] as unknown[]).map(
    (_id, index) =>
      Object.fromEntries(COLUMNS.map((column, position) => [column, (params[position] as unknown[])[index]])) as Row,
  );

const dataError = () => Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
const unreachable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/**
 * A ledger over a fake database: a statement writes all its rows or none; it fails for its data
 * when it holds a row listed in `refuses`, and fails whole while `down` is set.
 */
function fakeLedger(options: { timezone?: string } = {}) {
  /** failAt: the statements (counted from 0) that fail as if the database had gone away. */
  const state = { down: false, refuses: new Set<string>(), failAt: new Set<number>() };
  const statements: Row[][] = [];
  const written: Row[] = [];
  const logged: Array<{ level: 'warn' | 'error'; object: Record<string, unknown>; message: string }> = [];
  /** What the ledger told the metrics: each batch written, and rows it could not write by outcome. */
  const observed = { batches: [] as number[], failed: [] as Array<[string, number]> };
  const query: DatabaseHandle['query'] = async (_text, params) => {
    const rows = rowsOf(params);
    statements.push(rows);
    if (state.down) throw unreachable();
    if (state.failAt.has(statements.length - 1)) throw unreachable();
    if (rows.some((row) => state.refuses.has(row.requestId as string))) throw dataError();
    written.push(...rows);
    return { rows: [] };
  };
  const ledger = createUsageLedger({
    query,
    prices: prices as PriceBook,
    timezone: options.timezone ?? 'UTC',
    log: {
      warn: (object, message) => logged.push({ level: 'warn', object, message }),
      error: (object, message) => logged.push({ level: 'error', object, message }),
    },
    observer: {
      batchWritten: (seconds) => observed.batches.push(seconds),
      rowsFailed: (outcome, rows) => observed.failed.push([outcome, rows]),
    },
  });
  return { ledger, state, statements, written, logged, observed };
}

let counter = 0;
const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  requestId: `ledger-${++counter}`,
  userId: 'user-1',
  endpoint: 'gateway',
  provider: 'openai',
  model: 'gpt-4o-mini',
  keySource: 'global',
  tokens: { inputTokens: 1_000, outputTokens: 500, cachedInputTokens: 200 },
  status: 200,
  ...overrides,
});

/** Records whose ids sort in the order they were made. */
const numbered = (count: number, prefix: string) =>
  Array.from({ length: count }, (_unused, index) =>
    record({ requestId: `${prefix}-${String(index).padStart(6, '0')}` }),
  );

afterEach(() => {
  vi.useRealTimers();
});

describe('a row, as queued', () => {
  it('is priced at the price in force, with that price recorded beside it', async () => {
    const { ledger, written } = fakeLedger();
    ledger.record(record({ requestId: 'priced', tokenId: '0b5c4f3e-8a7d-4c2b-9e1f-123456789abc', latencyMs: 12.6 }));
    await ledger.flush();
    expect(written[0]).toMatchObject({
      requestId: 'priced',
      tokenId: '0b5c4f3e-8a7d-4c2b-9e1f-123456789abc',
      inputTokens: 1_000,
      outputTokens: 500,
      cachedInputTokens: 200,
      costMicrousd: costMicrousd({ inputTokens: 1_000, outputTokens: 500, cachedInputTokens: 200 }, PRICE),
      inputMicrousdPerMtok: 150_000,
      outputMicrousdPerMtok: 600_000,
      cachedInputMicrousdPerMtok: 75_000,
      unpriced: false,
      estimated: false,
      latencyMs: 13,
      firstTokenMs: null,
      errorCode: null,
    });
  });

  it('says when it was estimated, unpriced, or charged at a hold', async () => {
    const { ledger, written } = fakeLedger();
    const tokens = { inputTokens: 40, outputTokens: 10, cachedInputTokens: 0 };
    ledger.record(record({ requestId: 'estimated', tokens: null, estimatedTokens: tokens, status: 502 }));
    ledger.record(record({ requestId: 'unpriced', model: 'unpriced-model' }));
    ledger.record(record({ requestId: 'refused', tokens: null, status: 429, errorCode: 'quota_exceeded' }));
    ledger.record(record({ requestId: 'held', tokens: null, estimatedTokens: tokens, heldMicrousd: 9_999 }));
    await ledger.flush();
    const byId = new Map(written.map((row) => [row.requestId, row]));
    expect(byId.get('estimated')).toMatchObject({
      estimated: true,
      unpriced: false,
      inputTokens: 40,
      costMicrousd: costMicrousd(tokens, PRICE),
    });
    expect(byId.get('unpriced')).toMatchObject({ unpriced: true, costMicrousd: 0, inputMicrousdPerMtok: null });
    expect(byId.get('refused')).toMatchObject({
      estimated: false,
      unpriced: false,
      inputTokens: 0,
      costMicrousd: 0,
      errorCode: 'quota_exceeded',
      inputMicrousdPerMtok: null,
    });
    expect(byId.get('held')).toMatchObject({ estimated: true, costMicrousd: 9_999 });
  });

  it('holds only what its columns can: ids, text and numbers made safe', async () => {
    const { ledger, written } = fakeLedger();
    ledger.record(
      record({
        requestId: 'unsafe',
        tokenId: 'not-a-uuid',
        model: `gpt\u0000-4o\n${'x'.repeat(300)}`,
        errorCode: 'bad\u0007code',
        tokens: { inputTokens: Number.NaN, outputTokens: -5, cachedInputTokens: 2 ** 40 },
        heldMicrousd: Number.POSITIVE_INFINITY,
        latencyMs: -1,
        firstTokenMs: 1e12,
      }),
    );
    await ledger.flush();
    const [row] = written;
    expect(row).toMatchObject({
      tokenId: null,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 2_147_483_647,
      costMicrousd: 0,
      latencyMs: 0,
      firstTokenMs: 2_147_483_647,
    });
    expect(row?.model).not.toMatch(/[\u0000-\u001f]/);
    expect(String(row?.model).length).toBeLessThanOrEqual(200);
    expect(row?.errorCode).not.toMatch(/[\u0000-\u001f]/);
  });

  it("is counted on the operator's day: 00:30 in Paris is the next day in UTC's eyes", async () => {
    const paris = fakeLedger({ timezone: 'Europe/Paris' });
    const utc = fakeLedger({ timezone: 'UTC' });
    const at = new Date('2026-03-28T23:30:00Z');
    paris.ledger.record(record({ at }));
    utc.ledger.record(record({ at }));
    await paris.ledger.flush();
    await utc.ledger.flush();
    expect(paris.written[0]).toMatchObject({ day: '2026-03-29', createdAt: '2026-03-28T23:30:00.000Z' });
    expect(utc.written[0]?.day).toBe('2026-03-28');
  });
});

describe('batches', () => {
  it('go every flush interval, or as soon as 500 rows wait, 500 rows at the most, in the order recorded', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { ledger, statements, written } = fakeLedger();
    for (const row of numbered(499, 'early')) ledger.record(row);
    expect(statements).toHaveLength(0);
    expect(ledger.pending()).toBe(499);
    // The 500th starts a write at once, without waiting for the interval.
    ledger.record(record({ requestId: 'early-000499' }));
    expect(statements).toHaveLength(1);
    await ledger.flush();
    expect(statements.map((rows) => rows.length)).toEqual([500]);

    for (const row of numbered(1_234, 'late')) ledger.record(row);
    await ledger.flush();
    expect(statements.map((rows) => rows.length)).toEqual([500, 500, 500, 234]);
    const ids = written.map((row) => row.requestId as string);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(1_734);

    // A few rows wait for the interval.
    ledger.record(record());
    expect(ledger.pending()).toBe(1);
    await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS);
    expect(ledger.pending()).toBe(0);
    expect(statements).toHaveLength(5);
    await ledger.close();
    // Closed: the interval is gone.
    ledger.record(record());
    await vi.advanceTimersByTimeAsync(10 * FLUSH_INTERVAL_MS);
    expect(statements).toHaveLength(5);
  });

  it('close writes whatever is queued', async () => {
    const { ledger, written } = fakeLedger();
    for (const row of numbered(3, 'closing')) ledger.record(row);
    await ledger.close();
    expect(written.map((row) => row.requestId)).toEqual(['closing-000000', 'closing-000001', 'closing-000002']);
  });
});

describe('a row the database refuses for its data', () => {
  it('is set aside alone, in a few statements, logged by its ids only; every other row is written', async () => {
    const { ledger, state, statements, written, logged } = fakeLedger();
    const rows = numbered(40, 'isolate');
    state.refuses.add('isolate-000007');
    for (const row of rows) ledger.record(row);
    await ledger.flush();

    expect(written.map((row) => row.requestId)).toEqual(
      rows.map((row) => row.requestId).filter((id) => id !== 'isolate-000007'),
    );
    expect(ledger.stats()).toEqual({ written: 39, rejected: 1, orphaned: 0, pending: 0 });
    // The whole batch, then halves down to the row: two statements per level.
    expect(statements.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(40)));
    const errors = logged.filter((entry) => entry.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        object: { requestId: 'isolate-000007', userId: 'user-1', sqlstate: '22021' },
        message: expect.stringContaining('set aside'),
      },
    ]);
  });

  it('for any rows refused and any outages on the way, each other row is written once, in order, and none is lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_200 }),
        fc.uniqueArray(fc.nat({ max: 1_199 }), { maxLength: 6 }),
        fc.uniqueArray(fc.nat({ max: 40 }), { maxLength: 4 }),
        async (count, refusedIndexes, outages) => {
          const { ledger, state, written } = fakeLedger();
          const rows = numbered(count, `run-${++counter}`);
          const refused = new Set(
            refusedIndexes.filter((index) => index < count).map((index) => rows[index]?.requestId as string),
          );
          state.refuses = refused;
          // The database goes away at these statements, wherever the flush has got to (within a
          // split batch too), and each flush stops at the first.
          state.failAt = new Set(outages);
          for (const row of rows) ledger.record(row);
          for (let attempt = 0; attempt <= outages.length && ledger.pending() > 0; attempt++) await ledger.flush();

          const expected = rows.map((row) => row.requestId).filter((id) => !refused.has(id));
          expect(written.map((row) => row.requestId)).toEqual(expected);
          expect(ledger.stats()).toEqual({ written: expected.length, rejected: refused.size, orphaned: 0, pending: 0 });
          await ledger.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('what the metrics are told', () => {
  it('each batch written with its time, and the rows not written by why: rejected, retried, dropped', async () => {
    const { ledger, state, statements, observed } = fakeLedger();
    state.refuses.add('told-000003');
    for (const row of numbered(10, 'told')) ledger.record(row);
    await ledger.flush();
    // Only the statements that wrote are timed; the refused row is counted alone.
    const refusedStatements = statements.filter((rows) => rows.some((row) => row.requestId === 'told-000003'));
    expect(observed.batches).toHaveLength(statements.length - refusedStatements.length);
    expect(observed.batches.every((seconds) => seconds >= 0 && seconds < 60)).toBe(true);
    expect(observed.failed).toEqual([['rejected', 1]]);

    // The database away: the rows of the batch tried are counted at each try, and kept.
    observed.failed.length = 0;
    state.down = true;
    for (const row of numbered(300, 'told-outage')) ledger.record(row);
    await ledger.flush();
    const tries = observed.failed.length;
    expect(tries).toBeGreaterThan(0);
    expect(observed.failed).toEqual(Array.from({ length: tries }, () => ['retried', 300]));
    expect(ledger.pending()).toBe(300);
    state.down = false;
    await ledger.flush();
    expect(observed.failed).toHaveLength(tries);
    expect(ledger.pending()).toBe(0);
  });

  it('the rows dropped when the queue is full', () => {
    const { ledger, state, observed } = fakeLedger();
    state.down = true;
    for (const row of numbered(100_002, 'told-full')) ledger.record(row);
    expect(observed.failed).toEqual([
      ['dropped', 1],
      ['dropped', 1],
    ]);
  });
});

describe('while the database is unreachable', () => {
  it('every row stays queued and is written once it answers again', async () => {
    const { ledger, state, written, logged } = fakeLedger();
    state.down = true;
    for (const row of numbered(700, 'outage')) ledger.record(row);
    await ledger.flush();
    await ledger.flush();
    expect(ledger.pending()).toBe(700);
    expect(written).toHaveLength(0);
    expect(logged.at(-1)).toMatchObject({
      level: 'error',
      object: { pending: 700 },
      message: 'usage batch could not be written; will retry',
    });
    expect(ledger.stats().rejected).toBe(0);

    state.down = false;
    await ledger.flush();
    expect(ledger.pending()).toBe(0);
    expect(written).toHaveLength(700);
  });

  it('keeps the newest 100,000 rows and says how many it dropped', async () => {
    const { ledger, state, written, logged } = fakeLedger();
    state.down = true;
    const rows = numbered(100_001, 'full');
    for (const row of rows) ledger.record(row);
    expect(ledger.pending()).toBe(100_000);
    expect(logged).toContainEqual({
      level: 'warn',
      object: { dropped: 1 },
      message: 'usage queue full: oldest records dropped',
    });
    state.down = false;
    await ledger.flush();
    expect(written[0]?.requestId).toBe('full-000001');
    expect(written.at(-1)?.requestId).toBe('full-100000');
  });

  it('writeNow throws, so the caller (the hold sweeper) keeps its holds for the next sweep', async () => {
    const { ledger, state, written } = fakeLedger();
    state.down = true;
    await expect(ledger.writeNow([record()])).rejects.toThrow(/ECONNREFUSED/);
    state.down = false;
    state.refuses.add('swept-bad');
    await ledger.writeNow([record({ requestId: 'swept-good' }), record({ requestId: 'swept-bad' })]);
    expect(written.map((row) => row.requestId)).toEqual(['swept-good']);
    expect(ledger.stats()).toMatchObject({ written: 1, rejected: 1, pending: 0 });
  });
});

describe('on a real database', () => {
  let testDatabase: Awaited<ReturnType<typeof openTestDatabase>>;
  let ledger: UsageLedger;
  let userCounter = 0;

  beforeAll(async () => {
    testDatabase = await openTestDatabase();
    ledger = createUsageLedger({
      query: testDatabase.database.query,
      prices: prices as PriceBook,
      timezone: 'Europe/Paris',
      log: { warn: () => {}, error: () => {} },
    });
  });

  afterAll(async () => {
    await ledger?.close();
    await testDatabase?.close();
  });

  const newUser = async () => {
    const id = `ledger-user-${++userCounter}`;
    await testDatabase.addUser(id);
    return id;
  };

  it('writes one row per request id, and the rollups always equal their events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            id: fc.nat({ max: 14 }),
            user: fc.nat({ max: 1 }),
            model: fc.constantFrom('gpt-4o-mini', 'gpt-4.1', 'unpriced-model'),
            day: fc.constantFrom('2026-03-01T10:00:00Z', '2026-03-01T23:30:00Z', '2026-03-02T12:00:00Z'),
            status: fc.constantFrom(200, 200, 429, 502),
            tokens: fc.option(fc.record({ input: fc.nat({ max: 5_000 }), output: fc.nat({ max: 5_000 }) })),
            flushAfter: fc.boolean(),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (entries) => {
          const users = [await newUser(), await newUser()];
          const run = ++counter;
          const ids = new Set<string>();
          for (const entry of entries) {
            const requestId = `dedup-${run}-${entry.id}`;
            ids.add(requestId);
            ledger.record(
              record({
                requestId,
                userId: users[entry.user] ?? '',
                model: entry.model,
                status: entry.status,
                at: new Date(entry.day),
                tokens: entry.tokens
                  ? { inputTokens: entry.tokens.input, outputTokens: entry.tokens.output, cachedInputTokens: 0 }
                  : null,
              }),
            );
            if (entry.flushAfter) await ledger.flush();
          }
          await ledger.flush();

          const events = await testDatabase.database.query<{ request_id: string }>(
            'select request_id from usage_event where user_id = any($1)',
            [users],
          );
          expect(events.rows.map((row) => row.request_id).sort()).toEqual([...ids].sort());
          const mismatches = await testDatabase.database.query(
            `with events as (
               select (created_at at time zone 'Europe/Paris')::date as day, user_id, provider, model, key_source,
                 count(*)::int as requests, (count(*) filter (where status >= 400))::int as errors,
                 sum(input_tokens)::int8 as input_tokens, sum(output_tokens)::int8 as output_tokens,
                 sum(cached_input_tokens)::int8 as cached_input_tokens, sum(cost_microusd)::int8 as cost_microusd
               from usage_event where user_id = any($1) group by 1, 2, 3, 4, 5
             ), rollups as (
               select day, user_id, provider, model, key_source, requests, errors, input_tokens, output_tokens,
                 cached_input_tokens, cost_microusd
               from usage_daily where user_id = any($1)
             )
             (select * from events except select * from rollups)
             union all
             (select * from rollups except select * from events)`,
            [users],
          );
          expect(mismatches.rows).toEqual([]);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("releases the written requests' holds in the same statement, and only theirs", async () => {
    const userId = await newUser();
    const hold = (requestId: string) =>
      testDatabase.database.query(
        `insert into quota_hold (request_id, user_id, endpoint, provider, model, key_source, input_tokens,
           output_tokens, microusd, expires_at)
         values ($1, $2, 'gateway', 'openai', 'gpt-4o-mini', 'global', 10, 10, 100, now() + interval '1 hour')`,
        [requestId, userId],
      );
    await hold('held-written');
    await hold('held-running');
    ledger.record(record({ requestId: 'held-written', userId }));
    await ledger.flush();
    const { rows } = await testDatabase.database.query<{ request_id: string }>(
      'select request_id from quota_hold where user_id = $1',
      [userId],
    );
    expect(rows).toEqual([{ request_id: 'held-running' }]);
  });

  it("drops the rows of an account deleted meanwhile without holding up the others'", async () => {
    const userId = await newUser();
    ledger.record(record({ requestId: 'orphan-row', userId: 'deleted-account' }));
    ledger.record(record({ requestId: 'kept-row', userId }));
    await ledger.flush();
    expect(ledger.pending()).toBe(0);
    const { rows } = await testDatabase.database.query<{ request_id: string }>(
      `select request_id from usage_event where request_id in ('orphan-row', 'kept-row')`,
      [],
    );
    expect(rows).toEqual([{ request_id: 'kept-row' }]);
    // Counted apart from the rows refused for their data: nothing is wrong with it but its owner.
    expect(ledger.stats()).toMatchObject({ orphaned: 1, rejected: 0 });
  });
});
