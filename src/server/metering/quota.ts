// Budgets: before a model call on a budgeted key source, the request's worst case (prompt tokens +
// maximum output, at the model's price) is held; the call runs; the usage ledger then writes the
// real cost and deletes the hold in one statement. The check and the hold happen in one
// statement (the webox_quota_hold function) under a per-user lock, so `spent + held + this request ≤ limit` holds however many
// requests race, on however many instances. Spent is read from the ledger's daily rollups: the
// numbers users see are the ledger's.
//
// A process that dies mid-request leaves its holds behind: a live process pushes its holds'
// expiry forward while their requests run, so only orphans expire, and the sweeper (any instance)
// charges an expired hold at its worst case, flagged estimated, unless the ledger already has the
// request's row. A request is never charged twice (one usage row per request id) and a paid call is
// never left uncharged.
import type { BudgetLineView } from '../../shared/limits.ts';
import type { DatabaseHandle } from '../db/client.ts';
import type { BudgetLimits, KeySource } from './limit-policies.ts';
import { meteringErrors } from './metering-errors.ts';
import { type Period, periodsIn } from './periods.ts';
import { FLUSH_INTERVAL_MS, type UsageLedger } from './usage-ledger.ts';

export type BudgetUnit = BudgetLineView['unit'];

/** One limit's state, as users and admins see it (the API's shape). */
export type BudgetLine = BudgetLineView;

export interface HoldRequest {
  requestId: string;
  userId: string;
  tokenId: string | null;
  endpoint: 'chat' | 'gateway';
  provider: string;
  model: string;
  source: KeySource;
  /** The worst case: every prompt token and the maximum output. */
  inputTokens: number;
  outputTokens: number;
  microusd: number;
}

interface Totals {
  day_microusd: string | number;
  day_tokens: string | number;
  month_microusd: string | number;
  month_tokens: string | number;
  held_microusd: string | number;
  held_tokens: string | number;
}

// One statement, so the rollups and the holds are read from one snapshot: a ledger write that
// commits in between (adding the cost, deleting the hold) is seen whole or not at all.
const TOTALS = `
select
  coalesce(sum(cost_microusd) filter (where day = $3::date), 0)::int8 as day_microusd,
  coalesce(sum(input_tokens + output_tokens) filter (where day = $3::date), 0)::int8 as day_tokens,
  coalesce(sum(cost_microusd), 0)::int8 as month_microusd,
  coalesce(sum(input_tokens + output_tokens), 0)::int8 as month_tokens,
  (select coalesce(sum(microusd), 0)::int8 from quota_hold where user_id = $1 and key_source = $2) as held_microusd,
  (select coalesce(sum(input_tokens + output_tokens), 0)::int8 from quota_hold where user_id = $1 and key_source = $2)
    as held_tokens
from usage_daily
where user_id = $1 and key_source = $2 and day >= $4::date and day <= $3::date`;

const HOLD = `select * from webox_quota_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::date, $13::date,
  $14, $15, $16, $17)`;

const EXPIRED = `
select request_id, user_id, token_id, endpoint, provider, model, key_source, input_tokens, output_tokens,
  microusd, created_at
from quota_hold where expires_at < now() order by expires_at limit 500`;

function lines(limits: BudgetLimits, source: KeySource, totals: Totals, resets: { day: Date; month: Date }) {
  const held = { microusd: Number(totals.held_microusd), tokens: Number(totals.held_tokens) };
  const candidates: Array<[Period, BudgetUnit, number | null, number]> = [
    ['day', 'microusd', limits.dayMicrousd, Number(totals.day_microusd)],
    ['month', 'microusd', limits.monthMicrousd, Number(totals.month_microusd)],
    ['day', 'tokens', limits.dayTokens, Number(totals.day_tokens)],
    ['month', 'tokens', limits.monthTokens, Number(totals.month_tokens)],
  ];
  return candidates
    .filter((candidate): candidate is [Period, BudgetUnit, number, number] => candidate[2] !== null)
    .map(
      ([period, unit, limit, spent]): BudgetLine => ({
        source,
        period,
        unit,
        limit,
        spent,
        held: held[unit],
        remaining: Math.max(0, limit - spent - held[unit]),
        percent: limit === 0 ? 100 : Math.round((spent / limit) * 1000) / 10,
        resetsAt: resets[period].toISOString(),
      }),
    );
}

interface QuotaLogger {
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

export function createQuota(options: {
  database: DatabaseHandle;
  ledger: UsageLedger;
  timezone: string;
  holdTtlMs: number;
  log: QuotaLogger;
}) {
  const { database, ledger, holdTtlMs, log } = options;
  const periods = periodsIn(options.timezone);
  /** Holds of requests running in this process: their expiry is pushed forward. */
  const running = new Set<string>();

  async function totals(query: DatabaseHandle['query'], userId: string, source: KeySource) {
    const bounds = periods();
    const { rows } = await query<Totals>(TOTALS, [userId, source, bounds.day, bounds.monthStart]);
    return { totals: rows[0] as Totals, resets: { day: bounds.dayResetsAt, month: bounds.monthResetsAt } };
  }

  async function keepAlive() {
    if (running.size === 0) return;
    await database
      .query(
        `update quota_hold set expires_at = now() + $2::int * interval '1 millisecond' where request_id = any($1)`,
        [[...running], holdTtlMs],
      )
      .catch((error) => log.warn({ err: error }, 'quota holds could not be kept alive'));
  }

  /** Charges every expired hold at its worst case (unless its usage row exists) and removes it. */
  async function sweep() {
    const { rows } = await database.query<{
      request_id: string;
      user_id: string;
      token_id: string | null;
      endpoint: 'chat' | 'gateway';
      provider: string;
      model: string;
      key_source: KeySource;
      input_tokens: number;
      output_tokens: number;
      microusd: string | number;
      created_at: Date | string;
    }>(EXPIRED, []);
    if (rows.length === 0) return 0;
    // One ledger statement: rows already in the ledger are skipped, every listed hold is deleted.
    await ledger.writeNow(
      rows.map((hold) => ({
        requestId: hold.request_id,
        userId: hold.user_id,
        tokenId: hold.token_id,
        endpoint: hold.endpoint,
        provider: hold.provider,
        model: hold.model,
        keySource: hold.key_source,
        tokens: null,
        estimatedTokens: { inputTokens: hold.input_tokens, outputTokens: hold.output_tokens, cachedInputTokens: 0 },
        heldMicrousd: Number(hold.microusd),
        status: 500,
        errorCode: 'hold_expired',
        at: new Date(hold.created_at),
      })),
    );
    log.warn({ holds: rows.length }, 'expired quota holds charged at their worst case (a process stopped mid-request)');
    return rows.length;
  }

  const keepAliveTimer = setInterval(() => void keepAlive(), Math.max(250, Math.floor(holdTtlMs / 3)));
  keepAliveTimer.unref();
  const sweepTimer = setInterval(
    () => void sweep().catch((error) => log.error({ err: error }, 'expired quota holds could not be charged')),
    Math.max(500, Math.min(30_000, Math.floor(holdTtlMs / 2))),
  );
  sweepTimer.unref();

  return {
    /**
     * Holds the request's worst case against every limit of the budget, or refuses it with 429
     * quota_exceeded naming the limit. Returns a release function to call when the request ends
     * (the ledger's write of its usage row removes the hold itself).
     */
    async hold(request: HoldRequest, limits: BudgetLimits): Promise<() => void> {
      // One round trip: lock, read, check and insert happen in webox_quota_hold (migration 0004).
      const bounds = periods();
      const { rows } = await database.query<Totals & { held: boolean }>(HOLD, [
        request.requestId,
        request.userId,
        request.tokenId,
        request.endpoint,
        request.provider,
        request.model,
        request.source,
        request.inputTokens,
        request.outputTokens,
        request.microusd,
        holdTtlMs,
        bounds.day,
        bounds.monthStart,
        limits.dayMicrousd,
        limits.monthMicrousd,
        limits.dayTokens,
        limits.monthTokens,
      ]);
      const result = rows[0];
      if (!result) throw new Error('webox_quota_hold returned no row');
      if (!result.held) {
        // The first limit the worst case does not fit is the one the refusal names.
        const resets = { day: bounds.dayResetsAt, month: bounds.monthResetsAt };
        for (const line of lines(limits, request.source, result, resets)) {
          const requested = line.unit === 'microusd' ? request.microusd : request.inputTokens + request.outputTokens;
          if (line.spent + line.held + requested > line.limit) throw meteringErrors.quotaExceeded(line, requested);
        }
        throw new Error('webox_quota_hold refused a request that fits every limit');
      }
      running.add(request.requestId);
      // Kept alive until the ledger has had time to write the request's row (which deletes the
      // hold): a hold expiring in between would be charged at its worst case instead.
      return () => {
        setTimeout(() => running.delete(request.requestId), 2 * FLUSH_INTERVAL_MS).unref();
      };
    },

    /** A user's budget lines for one key source (none when no budget applies). */
    async status(userId: string, source: KeySource, limits: BudgetLimits | null): Promise<BudgetLine[]> {
      if (!limits) return [];
      const { totals: current, resets } = await totals(database.query, userId, source);
      return lines(limits, source, current, resets);
    },

    /** What every user spent on one key source this day and month (Admin › Users). */
    async spentByUser(source: KeySource) {
      const bounds = periods();
      const { rows } = await database.query<{
        user_id: string;
        day_microusd: string;
        month_microusd: string;
        day_tokens: string;
        month_tokens: string;
      }>(
        `select user_id,
           coalesce(sum(cost_microusd) filter (where day = $2::date), 0)::int8 as day_microusd,
           coalesce(sum(cost_microusd), 0)::int8 as month_microusd,
           coalesce(sum(input_tokens + output_tokens) filter (where day = $2::date), 0)::int8 as day_tokens,
           coalesce(sum(input_tokens + output_tokens), 0)::int8 as month_tokens
         from usage_daily where key_source = $1 and day >= $3::date and day <= $2::date group by user_id`,
        [source, bounds.day, bounds.monthStart],
      );
      return new Map(
        rows.map((row) => [
          row.user_id,
          {
            dayMicrousd: Number(row.day_microusd),
            monthMicrousd: Number(row.month_microusd),
            dayTokens: Number(row.day_tokens),
            monthTokens: Number(row.month_tokens),
          },
        ]),
      );
    },

    /** Holds still open (tests, and the admin's view of a user). */
    async openHolds(userId?: string) {
      const { rows } = await database.query<{ count: string }>(
        userId ? 'select count(*) from quota_hold where user_id = $1' : 'select count(*) from quota_hold',
        userId ? [userId] : [],
      );
      return Number(rows[0]?.count ?? 0);
    },

    sweep,

    async close() {
      clearInterval(keepAliveTimer);
      clearInterval(sweepTimer);
    },
  };
}

export type Quota = ReturnType<typeof createQuota>;
