// Budget leases (budget-lease.ts) through the quota's face, on the test database: a slice is
// leased once room allows, requests are admitted against it in memory and their holds written in
// batches, the slice counts as held for everyone else, it is given back when its user's limits
// change or it falls idle, an expired one is swept, and two instances leasing the same budget never
// admit more than it covers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import { waitFor } from '../../../test/helpers/server-process.ts';
import { type ChangeBus, createLocalBus } from '../cache/change-bus.ts';
import type { Price } from './cost.ts';
import { type BudgetLimits, DEFAULT_SUBJECT, POLICY_CHANNEL } from './limit-policies.ts';
import type { PriceBook } from './price-book.ts';
import { createQuota, type Quota } from './quota.ts';
import type { HoldRequest } from './quota-hold.ts';
import { createUsageLedger, type UsageLedger } from './usage-ledger.ts';

const TIMEZONE = 'Europe/Paris';
const silent = { warn: () => {}, error: () => {} };
const NO_LIMITS: BudgetLimits = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };
const PRICE: Price = { id: null, inputMicrousdPerMtok: 0, outputMicrousdPerMtok: 0, cachedInputMicrousdPerMtok: null };
const prices: Pick<PriceBook, 'priceAt'> = { priceAt: () => PRICE };

let testDatabase: Awaited<ReturnType<typeof openTestDatabase>>;
let ledger: UsageLedger;
let bus: ChangeBus;
let quota: Quota;
let userCounter = 0;
let requestCounter = 0;

async function newUser() {
  const id = `lease-user-${++userCounter}`;
  await testDatabase.addUser(id);
  return id;
}

/** 100 µ$ and 20 tokens of worst case. */
const request = (userId: string, overrides: Partial<HoldRequest> = {}): HoldRequest => ({
  requestId: `lease-request-${++requestCounter}`,
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

const leaseRows = async (userId: string) =>
  (
    await testDatabase.database.query<{ id: string; microusd: string; tokens: string }>(
      'select id, microusd, tokens from budget_lease where user_id = $1',
      [userId],
    )
  ).rows.map((row) => ({ id: row.id, microusd: Number(row.microusd), tokens: Number(row.tokens) }));

const heldMicrousd = async (userId: string) =>
  Number(
    (
      await testDatabase.database.query<{ sum: string | null }>(
        'select sum(microusd) as sum from quota_hold where user_id = $1',
        [userId],
      )
    ).rows[0]?.sum ?? 0,
  );

/** Idle slices are given back every tick: once a minute here, unless a test says otherwise. */
const newQuota = (options: { bus?: ChangeBus; leaseTickMs?: number } = {}) =>
  createQuota({
    database: testDatabase.database,
    ledger,
    bus: options.bus ?? createLocalBus(),
    timezone: TIMEZONE,
    holdTtlMs: 60_000,
    log: silent,
    leaseTickMs: options.leaseTickMs ?? 60_000,
  });

/** A lease is taken once the first request held on its own: waits until it is there. */
async function leased(on: Quota, userId: string) {
  await waitFor(async () => on.leases().some((lease) => lease.userId === userId && lease.size.microusd > 0), 5_000, 5);
}

beforeAll(async () => {
  testDatabase = await openTestDatabase();
  ledger = createUsageLedger({
    query: testDatabase.database.query,
    prices: prices as PriceBook,
    timezone: TIMEZONE,
    log: silent,
  });
  bus = createLocalBus();
  quota = newQuota({ bus });
});

afterAll(async () => {
  await quota?.close();
  await ledger?.close();
  await testDatabase?.close();
});

describe('a budget lease', () => {
  it('is a slice of the room, held in PostgreSQL; requests admitted against it get their holds, moved out of it', async () => {
    const userId = await newUser();
    const budget = { ...NO_LIMITS, dayMicrousd: 1_000_000 };
    await quota.hold(request(userId), budget);
    await leased(quota, userId);
    const [slice] = await leaseRows(userId);
    // 64 worst cases, well under half the room.
    expect(slice).toMatchObject({ microusd: 6_400 });

    await Promise.all(Array.from({ length: 20 }, () => quota.hold(request(userId), budget)));
    await quota.flushLeases();
    expect(await quota.openHolds(userId)).toBe(21);
    // The 20 holds moved out of the slice, then the slice was topped up again: never past its target.
    const [after] = await leaseRows(userId);
    expect(after?.microusd).toBeLessThanOrEqual(6_400);
    expect((await quota.status(userId, 'global', budget))[0]).toMatchObject({ held: 2_100, remaining: 997_900 });
  });

  it('counts as held: a request its slice leaves no room for is refused on its own', async () => {
    const userId = await newUser();
    const budget = { ...NO_LIMITS, dayMicrousd: 30_000 };
    await quota.hold(request(userId), budget);
    await leased(quota, userId);
    // A second instance sees 30,000 − 100 held − the first one's slice of 6,400.
    const other = newQuota();
    const refused = await other.hold(request(userId, { microusd: 25_000 }), budget).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'quota_exceeded', details: { quota: { remaining: 30_000 - 100 - 6_400 } } });
    await other.close();
  });

  it('is given back when the user’s limits change, on the change bus and when the budget in force differs', async () => {
    const userId = await newUser();
    const budget = { ...NO_LIMITS, dayMicrousd: 1_000_000 };
    await quota.hold(request(userId), budget);
    await leased(quota, userId);
    await bus.publish(POLICY_CHANNEL, userId);
    await quota.flushLeases();
    expect(await leaseRows(userId)).toEqual([]);

    await quota.hold(request(userId), budget);
    await leased(quota, userId);
    const [first] = await leaseRows(userId);
    // A budget in force that is not the one leased under (a plan, an allowance): a new slice.
    await quota.hold(request(userId), { ...budget, monthTokens: 10_000_000 });
    await quota.flushLeases();
    expect((await leaseRows(userId)).map((row) => row.id)).not.toContain(first?.id);

    // The default changing gives back every user's slice.
    await leased(quota, userId);
    await bus.publish(POLICY_CHANNEL, DEFAULT_SUBJECT);
    await quota.flushLeases();
    expect(await leaseRows(userId)).toEqual([]);
  });

  it('gives back what it did not use at shutdown, and its requests stay held', async () => {
    const userId = await newUser();
    const budget = { ...NO_LIMITS, dayTokens: 1_000_000 };
    const instance = newQuota();
    await instance.hold(request(userId), budget);
    await leased(instance, userId);
    await Promise.all(Array.from({ length: 5 }, () => instance.hold(request(userId), budget)));
    await instance.close();
    expect(await leaseRows(userId)).toEqual([]);
    expect(await heldMicrousd(userId)).toBe(600);
  });

  it('is given back once idle', async () => {
    const userId = await newUser();
    const budget = { ...NO_LIMITS, dayMicrousd: 1_000_000 };
    // Idle for a whole tick after the one that saw it leased: given back.
    const instance = newQuota({ leaseTickMs: 300 });
    await instance.hold(request(userId), budget);
    await leased(instance, userId);
    await waitFor(async () => (await leaseRows(userId)).length === 0, 10_000);
    expect(instance.leases()).toEqual([]);
    await instance.close();
  });

  it('expires when its instance stops renewing it, and the sweeper gives it back', async () => {
    const userId = await newUser();
    // A dead instance's slice, past its expiry.
    await testDatabase.database.query(
      `insert into budget_lease (id, user_id, key_source, microusd, tokens, expires_at)
       values ('dead-instance-lease', $1, 'global', 900, 0, now() - interval '1 second')`,
      [userId],
    );
    const budget = { ...NO_LIMITS, dayMicrousd: 1_000 };
    // While it is there it counts as held ...
    await expect(quota.hold(request(userId, { microusd: 200 }), budget)).rejects.toMatchObject({
      code: 'quota_exceeded',
    });
    await quota.sweep();
    expect(await leaseRows(userId)).toEqual([]);
    // ... and once swept the room is the user's again.
    await quota.hold(request(userId, { microusd: 200 }), budget);
  });
});

describe('two instances leasing one budget', () => {
  it('never admit more than it covers, and what they hold is what they admitted', async () => {
    const userId = await newUser();
    // Room for 400 worst cases: enough for both instances to lease slices, not for 600 requests.
    const budget = { ...NO_LIMITS, dayMicrousd: 40_000, monthTokens: 1_000_000 };
    const first = newQuota();
    const second = newQuota();
    const attempt = (on: Quota) =>
      on.hold(request(userId), budget).then(
        () => true,
        (error: unknown) => {
          expect(error).toMatchObject({ code: 'quota_exceeded' });
          return false;
        },
      );
    const waves: boolean[] = [];
    for (let wave = 0; wave < 6; wave++) {
      // After the first wave both hold slices (the room is still wide): the rest is admitted in memory.
      if (wave === 1) expect((await leaseRows(userId)).length).toBe(2);
      waves.push(
        ...(await Promise.all(Array.from({ length: 100 }, (_unused, index) => attempt(index % 2 ? first : second)))),
      );
    }
    const admitted = waves.filter(Boolean).length;
    expect(admitted).toBeLessThanOrEqual(400);
    expect(admitted).toBeGreaterThan(0);
    await Promise.all([first.flushLeases(), second.flushLeases()]);
    expect(await heldMicrousd(userId)).toBe(100 * admitted);
    const leasedMicrousd = (await leaseRows(userId)).reduce((sum, row) => sum + row.microusd, 0);
    expect(100 * admitted + leasedMicrousd).toBeLessThanOrEqual(40_000);
    await first.close();
    await second.close();
  });
});
