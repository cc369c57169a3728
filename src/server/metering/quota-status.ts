// What a user spent and holds on one key source, read from the ledger's daily rollups (the numbers
// users see are the ledger's) and the open holds, and shown against each limit of a budget.
import type { BudgetLineView } from '../../shared/limits.ts';
import type { DatabaseHandle } from '../db/client.ts';
import type { BudgetLimits, KeySource } from './limit-policies.ts';
import type { Period, PeriodBounds } from './periods.ts';

export type BudgetUnit = BudgetLineView['unit'];

/** One limit's state, as users and admins see it (the API's shape). */
export type BudgetLine = BudgetLineView;

/** Spent this day and month, and held, on one key source (int8 columns: strings from pg). */
export interface Totals {
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

/**
 * What is left of one limit: limit − spent − held, never below 0. The one "left" figure: the
 * budget lines (GET /api/limits, the chat, the usage page), the room a capped answer is fitted to
 * and a refusal's `quota.remaining` are all this.
 */
export const leftOf = (line: { limit: number; spent: number; held: number }) =>
  Math.max(0, line.limit - line.spent - line.held);

/** Share of the limit still left (0 to 1); a zero limit has none. */
const leftShare = (line: BudgetLine) => (line.limit > 0 ? line.remaining / line.limit : 0);

/**
 * The line that binds, of several: in one unit the least left (a day's and a month's money bound
 * the same spend; on a tie the one resetting later, which frees up last); across money and tokens
 * the one with the least left relative to its limit. Null without lines. What the chat shows as
 * "left", and the line a refusal names.
 */
export function bindingLine(lines: readonly BudgetLine[]): BudgetLine | null {
  const perUnit = new Map<BudgetUnit, BudgetLine>();
  for (const line of lines) {
    const current = perUnit.get(line.unit);
    const tighter =
      !current ||
      line.remaining < current.remaining ||
      (line.remaining === current.remaining && Date.parse(line.resetsAt) > Date.parse(current.resetsAt));
    if (tighter) perUnit.set(line.unit, line);
  }
  let binding: BudgetLine | null = null;
  for (const line of perUnit.values()) if (!binding || leftShare(line) < leftShare(binding)) binding = line;
  return binding;
}

/** The budget's limits that are set, each with what is spent, held and left, in the API's shape. */
export function budgetLines(
  limits: BudgetLimits,
  source: KeySource,
  totals: Totals,
  resets: { day: Date; month: Date },
): BudgetLine[] {
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
        remaining: leftOf({ limit, spent, held: held[unit] }),
        percent: limit === 0 ? 100 : Math.round((spent / limit) * 1000) / 10,
        resetsAt: resets[period].toISOString(),
      }),
    );
}

/** A user's budget lines for one key source in the given periods. */
export async function readBudgetLines(
  database: Pick<DatabaseHandle, 'query'>,
  userId: string,
  source: KeySource,
  limits: BudgetLimits,
  bounds: PeriodBounds,
): Promise<BudgetLine[]> {
  const { rows } = await database.query<Totals>(TOTALS, [userId, source, bounds.day, bounds.monthStart]);
  return budgetLines(limits, source, rows[0] as Totals, { day: bounds.dayResetsAt, month: bounds.monthResetsAt });
}

/** What every user spent on one key source this day and month (Admin › Users). */
export async function readSpentByUser(
  database: Pick<DatabaseHandle, 'query'>,
  source: KeySource,
  bounds: PeriodBounds,
) {
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
}
