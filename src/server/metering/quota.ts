// Budgets: before a model call on a budgeted key source, the request's worst case (prompt tokens +
// maximum output, at the model's price) is held: admitted in memory against this instance's slice
// of the user's budget (budget-lease.ts), which writes its hold in a batch, or else held on its
// own in one round trip (quota-hold.ts); the call runs; the usage ledger
// then writes the real cost and deletes the hold in one statement. Spent and held are read as the
// budget's lines (quota-status.ts); holds a stopped process left behind are charged by the sweeper
// (hold-sweeper.ts). This is the one face of all three the rest of WeBox uses.
import type { ChangeBus } from '../cache/change-bus.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { createBudgetLeases } from './budget-lease.ts';
import { createHoldSweeper } from './hold-sweeper.ts';
import type { BudgetCeiling, BudgetLimits, KeySource } from './limit-policies.ts';
import type { OperatorLimits } from './operator-budget.ts';
import { periodsIn, type TimeZoneSource } from './periods.ts';
import { type FitToRoom, type HoldRequest, placeHold } from './quota-hold.ts';
import { type BudgetLine, readBudgetLines, readSpentByUser } from './quota-status.ts';
import type { UsageLedger } from './usage-ledger.ts';

interface QuotaLogger {
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

export function createQuota(options: {
  database: DatabaseHandle;
  ledger: UsageLedger;
  /** Limit changes reach every instance through it: their leased slices are given back. */
  bus: ChangeBus;
  /** Where days begin (read at each call: the admin may change it). */
  timezone: TimeZoneSource;
  holdTtlMs: number;
  log: QuotaLogger;
  /** How often this instance gives back its idle budget leases (budget-lease.ts). */
  leaseTickMs?: number;
}) {
  const { database, holdTtlMs } = options;
  const periods = periodsIn(options.timezone);
  const sweeper = createHoldSweeper(options);
  const leases = createBudgetLeases({
    database,
    bus: options.bus,
    holdTtlMs,
    periods,
    log: options.log,
    tickMs: options.leaseTickMs,
  });
  options.ledger.writeHoldsFirst(leases.flushAll);

  return {
    /**
     * Holds the request's worst case against every limit of the budget, or refuses it with 429
     * quota_exceeded naming the limit (or the ceiling's refusal, when the ceiling's limit is the
     * one it does not fit). With `shorten`, a request that does not fit is tried again shorter, as
     * `shorten` says (placeHold): what is held is then the last request it gave. Returns a release
     * function to call when the request ends (the ledger's write of its usage row removes the hold
     * itself). With `operator` (the operator's hard cap on the global keys), the request is held
     * one by one under the operator-wide lock as well, never against a slice: a slice is one
     * user's, and the cap is everyone's.
     */
    async hold(
      request: HoldRequest,
      limits: BudgetLimits,
      ceiling: BudgetCeiling | null = null,
      shorten?: FitToRoom,
      operator: OperatorLimits | null = null,
    ): Promise<() => void> {
      if (operator || !(await leases.admit(request, limits))) {
        await placeHold(database, request, limits, periods(), holdTtlMs, ceiling, shorten, operator);
      }
      return sweeper.keep(request.requestId);
    },

    /** A user's budget lines for one key source (none when no budget applies). */
    async status(userId: string, source: KeySource, limits: BudgetLimits | null): Promise<BudgetLine[]> {
      if (!limits) return [];
      // The holds of requests admitted against this instance's slice count once written.
      await leases.flushAll();
      return readBudgetLines(database, userId, source, limits, periods());
    },

    /** What every user spent on one key source this day and month (Admin › Users). */
    spentByUser: (source: KeySource) => readSpentByUser(database, source, periods()),

    /** Holds still open (tests, and the admin's view of a user). */
    async openHolds(userId?: string) {
      await leases.flushAll();
      const { rows } = await database.query<{ count: string }>(
        userId ? 'select count(*) from quota_hold where user_id = $1' : 'select count(*) from quota_hold',
        userId ? [userId] : [],
      );
      return Number(rows[0]?.count ?? 0);
    },

    /** Where the budgets' days and months stand now (the operator's time zone). */
    periods,

    sweep: sweeper.sweep,

    /** Holds this instance keeps alive (the metrics' holds in flight). */
    holdsInFlight: sweeper.kept,

    /** This instance's leased slices (tests). */
    leases: leases.open,

    /** Writes the holds of requests admitted against a slice (tests; the ledger does it itself). */
    flushLeases: leases.flushAll,

    async close() {
      sweeper.close();
      await leases.close();
    },
  };
}

export type Quota = ReturnType<typeof createQuota>;
