// The operator budget: what the whole community may spend on the global keys per day and month.
// One row (operator_budget, migration 0019), read on every global-key call, so it is cached in
// memory and dropped on every instance through the change bus (like the limit policies). With a
// hard cap, every global-key call is held against it too (quota-hold.ts: one more scope under its
// own lock, exact across instances); without one, its thresholds only raise alerts.
import { eq } from 'drizzle-orm';
import { DEFAULT_OPERATOR_THRESHOLDS, type OperatorBudgetSettings } from '../../shared/operator-budget.ts';
import { createCachedMap } from '../cache/cached-map.ts';
import type { ChangeBus } from '../cache/change-bus.ts';
import type { Database, DatabaseHandle } from '../db/client.ts';
import { operatorBudget } from '../db/schema/metering.ts';
import type { PeriodBounds } from './periods.ts';

/** The change bus's channel for the operator budget (the message is always OPERATOR_ID). */
export const OPERATOR_BUDGET_CHANNEL = 'operator-budget';
const OPERATOR_ID = 'operator';
/** Read again after this long even without a change notice (a safety net). */
const CACHE_TTL_MS = 60_000;

export interface OperatorBudget extends OperatorBudgetSettings {
  updatedAt: Date | null;
}

/** The limits the hard cap holds global-key calls against (money only). */
export interface OperatorLimits {
  dayMicrousd: number | null;
  monthMicrousd: number | null;
}

const NONE: OperatorBudget = {
  dayMicrousd: null,
  monthMicrousd: null,
  thresholds: [...DEFAULT_OPERATOR_THRESHOLDS],
  hardCap: false,
  spendJumpMultiple: null,
  updatedAt: null,
};

/** A call the hard cap refused: the limit it reached, and what was spent against it then. */
export interface OperatorRefusal {
  period: 'day' | 'month';
  limitMicrousd: number;
  spentMicrousd: number;
}

/** The limits held when the hard cap is on and a limit is set; null otherwise (nothing to hold). */
export function capOf(budget: OperatorBudget): OperatorLimits | null {
  if (!budget.hardCap || (budget.dayMicrousd === null && budget.monthMicrousd === null)) return null;
  return { dayMicrousd: budget.dayMicrousd, monthMicrousd: budget.monthMicrousd };
}

export function createOperatorBudgets(options: { db: Database; database: DatabaseHandle; bus: ChangeBus }) {
  const { db, database, bus } = options;
  const cache = createCachedMap<OperatorBudget>({ load: read, maxEntries: 1, ttlMs: CACHE_TTL_MS });
  cache.follow(bus, OPERATOR_BUDGET_CHANNEL);
  const refusalWatchers: Array<(refusal: OperatorRefusal) => void> = [];

  async function read(): Promise<OperatorBudget> {
    const [row] = await db.select().from(operatorBudget).where(eq(operatorBudget.id, OPERATOR_ID));
    if (!row) return NONE;
    return {
      dayMicrousd: row.dayMicrousd,
      monthMicrousd: row.monthMicrousd,
      thresholds: [...row.thresholds].sort((a, b) => a - b),
      hardCap: row.hardCap,
      spendJumpMultiple: row.spendJumpMultiple,
      updatedAt: row.updatedAt,
    };
  }

  return {
    /** The hot path: the budget if cached, synchronously; else undefined (call current()). */
    cached: (): OperatorBudget | undefined => cache.peek(OPERATOR_ID),

    async current(): Promise<OperatorBudget> {
      return cache.get(OPERATOR_ID);
    },

    /** Writes the settings in the caller's transaction (the audit row goes in the same one). */
    async save(tx: Database, settings: OperatorBudgetSettings, adminId: string) {
      const values = {
        dayMicrousd: settings.dayMicrousd,
        monthMicrousd: settings.monthMicrousd,
        thresholds: [...settings.thresholds].sort((a, b) => a - b),
        hardCap: settings.hardCap,
        spendJumpMultiple: settings.spendJumpMultiple,
        updatedBy: adminId,
        updatedAt: new Date(),
      };
      await tx
        .insert(operatorBudget)
        .values({ id: OPERATOR_ID, ...values })
        .onConflictDoUpdate({ target: operatorBudget.id, set: values });
    },

    /** Calls `watch` on every refusal of the hard cap (the detectors' 100 % alert). */
    onRefused(watch: (refusal: OperatorRefusal) => void) {
      refusalWatchers.push(watch);
    },

    /** Admission refused a call at the hard cap (never throws). */
    refused(refusal: OperatorRefusal) {
      for (const watch of refusalWatchers) {
        try {
          watch(refusal);
        } catch {
          // A watcher's failure is its own; the refusal stands.
        }
      }
    },

    /** After the save's commit: every instance reads the budget again. */
    changed: () => bus.publish(OPERATOR_BUDGET_CHANNEL, OPERATOR_ID),

    /** What all users spent on the global keys this day and month (the ledger's rollups). */
    async spent(bounds: PeriodBounds) {
      const { rows } = await database.query<{ day_microusd: string; month_microusd: string }>(
        `select coalesce(sum(cost_microusd) filter (where day = $1::date), 0)::int8 as day_microusd,
           coalesce(sum(cost_microusd), 0)::int8 as month_microusd
         from usage_daily where key_source = 'global' and day >= $2::date and day <= $1::date`,
        [bounds.day, bounds.monthStart],
      );
      return { dayMicrousd: Number(rows[0]?.day_microusd ?? 0), monthMicrousd: Number(rows[0]?.month_microusd ?? 0) };
    },
  };
}

export type OperatorBudgets = ReturnType<typeof createOperatorBudgets>;
