// Budget leases: a request under a budget is admitted in memory, against a slice of the user's
// remaining budget this instance leased in PostgreSQL (budget_lease, migration 0007), instead of a
// round trip under the user's lock per request. The slice counts as held everywhere a hold is
// counted, so the slices of every instance, the holds and the spend never add up to more than a
// limit: nothing can overshoot. Each admitted request's worst case moves, in batches (one
// statement per slice at a time, whatever the number of requests waiting), out of the slice into
// its quota_hold row, which the ledger releases as it always did and the sweeper charges if this
// process dies; the same statement tops the slice up. What a slice did not use is given back when
// it falls idle, when the user's limits change (change bus, and a changed budget in force), at
// shutdown, or by the sweeper once a dead instance stops renewing it. Near a limit (less room than
// MIN_ROOM_REQUESTS worst cases) no slice is kept and requests hold one by one, exactly as before.
// What a process killed mid-request costs: a request admitted in the moments before its batch's
// statement (HOLD_BATCH_MS, plus the statement's own time) has no hold row yet, so it is never
// charged at its worst case; its slice still covers it until the sweeper deletes the slice. (The
// ledger's own batch, a second long, loses more of such a process's usage rows.) Every other request's hold is in
// quota_hold, charged by the sweeper as before.
import { randomUUID } from 'node:crypto';
import { type ChangeBus, RESYNC } from '../cache/change-bus.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { type BudgetLimits, DEFAULT_SUBJECT, type KeySource, POLICY_CHANNEL } from './limit-policies.ts';
import type { PeriodBounds } from './periods.ts';
import type { HoldRequest } from './quota-hold.ts';

/** A slice aims at this many worst cases of the largest request seen on it. */
const TARGET_REQUESTS = 64;
/** Below this many worst cases of room outside the slice, the slice is given back. */
const MIN_ROOM_REQUESTS = 2 * TARGET_REQUESTS;
/** A slice no request used for a whole tick is given back; renewed every tick otherwise. */
const DEFAULT_TICK_MS = 1_000;
/**
 * Requests admitted within this window share one statement. Without it, at low concurrency every
 * request had a statement of its own (issue 13: the budget's cost at c=1 was that statement's CPU).
 * Nobody waits on it: the ledger writes usage rows only after the holds they release (flushAll),
 * and a slice running short flushes at once.
 */
const HOLD_BATCH_MS = 10;
/** After a slice was refused or given back for want of room, requests hold one by one this long. */
const COOLDOWN_MS = 2_000;

const LEASE = `select * from webox_budget_lease($1, $2, $3, $4, $5::uuid[], $6, $7, $8, $9::int[], $10::int[],
  $11::int8[], $12, $13::date, $14::date, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`;

interface Amount {
  microusd: number;
  tokens: number;
}

interface Lease {
  id: string;
  key: string;
  userId: string;
  source: KeySource;
  limits: BudgetLimits;
  limitsKey: string;
  /** The slice as PostgreSQL last said it, less what moved out since. */
  size: Amount;
  /** Worst cases admitted against the slice whose holds are not written yet. */
  used: Amount;
  /** Those requests, in order. */
  pending: HoldRequest[];
  /** The largest worst case admitted on it (the top-up's target is a multiple). */
  largest: Amount;
  /** Admitting; false once it is being given back. */
  open: boolean;
  /** A request was admitted since the last tick. */
  active: boolean;
  /** The statement in flight, if any; another is run after it while requests wait. */
  flushing: Promise<void> | null;
  /** The batch window's timer (HOLD_BATCH_MS), while requests wait for the first statement. */
  batchTimer: ReturnType<typeof setTimeout> | null;
  /** Requests admitted on it so far, and how many of them have had their holds' statement. */
  admitted: number;
  written: number;
  /** Resolved as statements end: once `written` reaches upTo (or at the next end, for 0). */
  waiters: Array<{ upTo: number; resolve: () => void }>;
}

const limitsKeyOf = (limits: BudgetLimits) =>
  `${limits.dayMicrousd}:${limits.monthMicrousd}:${limits.dayTokens}:${limits.monthTokens}`;
const tokensOf = (request: HoldRequest) => request.inputTokens + request.outputTokens;

interface LeaseLogger {
  warn(object: Record<string, unknown>, message: string): void;
}

export function createBudgetLeases(options: {
  database: Pick<DatabaseHandle, 'query'>;
  bus: ChangeBus;
  holdTtlMs: number;
  periods: () => PeriodBounds;
  log: LeaseLogger;
  /** How often idle slices are given back and the others renewed. */
  tickMs?: number;
}) {
  const { database, holdTtlMs, periods, log } = options;
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  // A live instance's slice must never expire between two renewals, however short the holds' expiry.
  const leaseTtlMs = Math.max(holdTtlMs, 3 * tickMs);
  const leases = new Map<string, Lease>();
  /** Per user and source: no slice is tried before this time (room was short). */
  const cooldowns = new Map<string, number>();
  /** Slices being given back (their last statement), awaited by flushAll and close. */
  const closing = new Set<Promise<void>>();

  /** One statement: the waiting requests' holds are written, the slice topped up (or given back). */
  async function run(lease: Lease, keep: boolean) {
    const batch = lease.pending;
    const upTo = lease.admitted;
    lease.pending = [];
    try {
      await write(lease, batch, keep);
    } finally {
      // A failed batch is retried by the slice's give-back: nobody waits for it forever.
      lease.written = Math.max(lease.written, upTo);
      const waiting = lease.waiters;
      lease.waiters = [];
      for (const waiter of waiting) {
        if (waiter.upTo <= lease.written) waiter.resolve();
        else lease.waiters.push(waiter);
      }
    }
  }

  async function write(lease: Lease, batch: HoldRequest[], keep: boolean) {
    const bounds = periods();
    const { limits } = lease;
    const target = {
      microusd: TARGET_REQUESTS * lease.largest.microusd,
      tokens: TARGET_REQUESTS * lease.largest.tokens,
    };
    const column = <K extends keyof HoldRequest>(key: K) => batch.map((request) => request[key]);
    try {
      const { rows } = await database.query<{
        lease_microusd: string | number;
        lease_tokens: string | number;
        granted: boolean;
      }>(LEASE, [
        lease.id,
        lease.userId,
        lease.source,
        column('requestId'),
        column('tokenId'),
        column('endpoint'),
        column('provider'),
        column('model'),
        column('inputTokens'),
        column('outputTokens'),
        column('microusd'),
        holdTtlMs,
        bounds.day,
        bounds.monthStart,
        limits.dayMicrousd,
        limits.monthMicrousd,
        limits.dayTokens,
        limits.monthTokens,
        target.microusd,
        target.tokens,
        MIN_ROOM_REQUESTS * lease.largest.microusd,
        MIN_ROOM_REQUESTS * lease.largest.tokens,
        keep,
        leaseTtlMs,
      ]);
      const row = rows[0];
      // The batch now holds in quota_hold, out of the slice; requests admitted meanwhile stay in `used`.
      for (const request of batch) {
        lease.used.microusd -= request.microusd;
        lease.used.tokens -= tokensOf(request);
      }
      lease.size = { microusd: Number(row?.lease_microusd ?? 0), tokens: Number(row?.lease_tokens ?? 0) };
      if (keep && !row?.granted) {
        // Room is short: what is left of the slice goes back, and requests hold one by one.
        cooldowns.set(lease.key, Date.now() + COOLDOWN_MS);
        retire(lease);
      }
    } catch (error) {
      // The batch waits for the statement that gives the slice back (the slice, still held in
      // PostgreSQL until it expires, covers it meanwhile); nothing more is admitted on it.
      lease.pending = [...batch, ...lease.pending];
      cooldowns.set(lease.key, Date.now() + COOLDOWN_MS);
      log.warn({ err: error, userId: lease.userId }, 'budget lease could not be written; given back');
      retire(lease);
      throw error;
    }
  }

  /** Runs statements until no request waits (one at a time per slice). */
  function flush(lease: Lease, keep = lease.open): Promise<void> {
    if (lease.flushing) return lease.flushing;
    lease.flushing = (async () => {
      try {
        do await run(lease, keep && lease.open);
        while (lease.pending.length > 0);
      } finally {
        lease.flushing = null;
      }
    })();
    return lease.flushing;
  }

  /** Flushes once the batch window ends (a statement in flight picks the batch up by itself). */
  function scheduleFlush(lease: Lease) {
    if (lease.flushing || lease.batchTimer) return;
    lease.batchTimer = setTimeout(() => {
      lease.batchTimer = null;
      if (lease.pending.length > 0) void flush(lease).catch(() => {});
    }, HOLD_BATCH_MS);
    lease.batchTimer.unref();
  }

  /**
   * Resolves once the statement after `upTo` requests ends (the next one, for 0). Not the end of
   * the flush loop, which under steady load may not come.
   */
  function statementEnd(lease: Lease, upTo: number): Promise<void> {
    if (upTo > 0 && lease.written >= upTo) return Promise.resolve();
    const ended = new Promise<void>((resolve) => lease.waiters.push({ upTo, resolve }));
    void flush(lease).catch(() => {});
    return ended;
  }

  /** Stops admitting on the slice and gives back what its requests did not take. */
  function retire(lease: Lease) {
    if (!lease.open) return;
    lease.open = false;
    if (leases.get(lease.key) === lease) leases.delete(lease.key);
    const done = (async () => {
      // The statement in flight was started to keep the slice: one more gives it back.
      if (lease.flushing) await lease.flushing.catch(() => {});
      await flush(lease, false);
    })().catch((error) => log.warn({ err: error, userId: lease.userId }, 'budget lease could not be given back'));
    closing.add(done);
    void done.finally(() => closing.delete(done));
  }

  function take(lease: Lease, request: HoldRequest) {
    const tokens = tokensOf(request);
    if (!lease.open) return false;
    if (lease.size.microusd - lease.used.microusd < request.microusd) return false;
    if (lease.size.tokens - lease.used.tokens < tokens) return false;
    lease.used.microusd += request.microusd;
    lease.used.tokens += tokens;
    lease.pending.push(request);
    lease.admitted++;
    lease.active = true;
    scheduleFlush(lease);
    return true;
  }

  function open(key: string, request: HoldRequest, limits: BudgetLimits, limitsKey: string): Lease {
    const lease: Lease = {
      id: randomUUID(),
      key,
      userId: request.userId,
      source: request.source,
      limits,
      limitsKey,
      size: { microusd: 0, tokens: 0 },
      used: { microusd: 0, tokens: 0 },
      pending: [],
      largest: { microusd: 0, tokens: 0 },
      open: true,
      active: true,
      flushing: null,
      batchTimer: null,
      admitted: 0,
      written: 0,
      waiters: [],
    };
    leases.set(key, lease);
    return lease;
  }

  function grow(lease: Lease, request: HoldRequest) {
    lease.largest.microusd = Math.max(lease.largest.microusd, request.microusd);
    lease.largest.tokens = Math.max(lease.largest.tokens, tokensOf(request));
  }

  /** Gives back the slices of one user (a change of their limits), or of everyone. */
  function retireWhere(matches: (lease: Lease) => boolean) {
    for (const lease of [...leases.values()]) if (matches(lease)) retire(lease);
  }

  options.bus.subscribe(POLICY_CHANNEL, (subject) =>
    subject === DEFAULT_SUBJECT || subject === RESYNC
      ? retireWhere(() => true)
      : retireWhere((lease) => lease.userId === subject),
  );

  // Each tick: an idle slice is given back, the others renewed (a slice not renewed expires and
  // the sweeper deletes it: its instance is gone).
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [key, until] of cooldowns) if (until <= now) cooldowns.delete(key);
    const renewed: string[] = [];
    for (const lease of [...leases.values()]) {
      if (!lease.active && lease.pending.length === 0 && !lease.flushing) retire(lease);
      else renewed.push(lease.id);
      lease.active = false;
    }
    if (renewed.length === 0) return;
    void database
      .query(`update budget_lease set expires_at = now() + $2::int * interval '1 millisecond' where id = any($1)`, [
        renewed,
        leaseTtlMs,
      ])
      .catch((error) => log.warn({ err: error }, 'budget leases could not be renewed'));
  }, tickMs);
  timer.unref();

  return {
    /**
     * Admits the request against this instance's slice of the user's budget, in memory, and
     * answers true; false when it must be held on its own (no slice yet: one is leased meanwhile;
     * room is short; the slice cannot cover it even once topped up).
     */
    async admit(request: HoldRequest, limits: BudgetLimits): Promise<boolean> {
      const key = `${request.userId}:${request.source}`;
      const limitsKey = limitsKeyOf(limits);
      let lease = leases.get(key);
      if (lease && lease.limitsKey !== limitsKey) {
        // The budget in force changed (a plan, an allowance, an admin): leased under the old one.
        retire(lease);
        lease = undefined;
      }
      if (!lease) {
        if ((cooldowns.get(key) ?? 0) > Date.now()) return false;
        cooldowns.delete(key);
        lease = open(key, request, limits, limitsKey);
        grow(lease, request);
        // This request holds on its own; the slice is leased for those after it.
        void flush(lease).catch(() => {});
        return false;
      }
      grow(lease, request);
      if (take(lease, request)) return true;
      // The slice is short: the next statement tops it up (twice: the one in flight may have
      // started before the slice ran short).
      for (let attempt = 0; attempt < 2; attempt++) {
        await statementEnd(lease, 0);
        if (take(lease, request)) return true;
        if (!lease.open) break;
      }
      // Still short (a request larger than the slice, or room running out): the slice goes back
      // before the request holds on its own, so what it kept free cannot refuse the request.
      if (lease.open) retire(lease);
      await Promise.all([...closing]);
      return false;
    },

    /** Writes every waiting request's hold (the ledger calls it before writing usage rows). */
    async flushAll() {
      const waiting = [...leases.values()].filter((lease) => lease.written < lease.admitted);
      await Promise.all([...waiting.map((lease) => statementEnd(lease, lease.admitted)), ...closing]);
    },

    /** Slices held by this instance (tests). */
    open: () => [...leases.values()].map((lease) => ({ id: lease.id, userId: lease.userId, size: { ...lease.size } })),

    /** Gives every slice back (shutdown). */
    async close() {
      clearInterval(timer);
      retireWhere(() => true);
      await Promise.all([...closing]);
    },
  };
}

export type BudgetLeases = ReturnType<typeof createBudgetLeases>;
