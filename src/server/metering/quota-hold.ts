// The hold: a request's worst case checked against every limit of its budget and held, in one
// statement (the webox_quota_hold function, migration 0004) under a per-user lock, so
// `spent + held + this request ≤ limit` holds however many requests race, on however many
// instances. A request that does not fit may be tried again with a shorter answer (admission's
// cap); a refusal is 429 quota_exceeded naming the limit that binds among those the request does
// not fit, unless a ceiling's limit is one it does not fit: then the ceiling's own refusal.
import type { DatabaseHandle } from '../db/client.ts';
import type { BudgetCeiling, BudgetLimits } from './limit-policies.ts';
import type { MeteredCall } from './metered-call.ts';
import { meteringErrors } from './metering-errors.ts';
import type { OperatorLimits } from './operator-budget.ts';
import type { PeriodBounds } from './periods.ts';
import { type BudgetLine, bindingLine, budgetLines, type Totals } from './quota-status.ts';

export interface HoldRequest extends MeteredCall {
  /** The worst case: every prompt token and the maximum output. */
  inputTokens: number;
  outputTokens: number;
  microusd: number;
}

const requestedIn = (request: HoldRequest, line: BudgetLine) =>
  line.unit === 'microusd' ? request.microusd : request.inputTokens + request.outputTokens;

const HOLD = `select * from webox_quota_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::date, $13::date,
  $14, $15, $16, $17)`;
// The same, inside the operator's hard cap (migration 0019): the operator-wide lock, then the user's.
const OPERATOR_HOLD = `select * from webox_operator_quota_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
  $12::date, $13::date, $14, $15, $16, $17, $18, $19)`;

/** What every user spent and holds on the global keys (the operator's hard cap), int8 as strings. */
interface OperatorTotals {
  operator_fits: boolean | null;
  operator_day_microusd: string | number | null;
  operator_month_microusd: string | number | null;
  operator_held_microusd: string | number | null;
}

/** The operator's figures as the budget lines' totals (money only). */
const operatorTotalsOf = (totals: Partial<OperatorTotals>): Totals => ({
  day_microusd: totals.operator_day_microusd ?? 0,
  month_microusd: totals.operator_month_microusd ?? 0,
  day_tokens: 0,
  month_tokens: 0,
  held_microusd: totals.operator_held_microusd ?? 0,
  held_tokens: 0,
});

const operatorBudgetLimits = (operator: OperatorLimits): BudgetLimits => ({
  dayMicrousd: operator.dayMicrousd,
  monthMicrousd: operator.monthMicrousd,
  dayTokens: null,
  monthTokens: null,
});

/**
 * What is left in each unit once spent and held are taken from every limit of the budget (the
 * tightest limit of the unit: a day's and a month's money both bound the same spend); null when
 * no limit of that unit is set.
 */
export interface BudgetRoom {
  microusd: number | null;
  tokens: number | null;
}

/**
 * Given the room a hold did not fit, the next request to try (a shorter answer), or the request
 * the refusal should name (one that does not fit either: the shortest answer worth giving).
 */
export type FitToRoom = (room: BudgetRoom) => HoldRequest;

/** How many shorter answers are tried when others' holds take the room in between. */
const FIT_ATTEMPTS = 3;

const tighter = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));

/** The room the lines leave, per unit: each line's left (limit − spent − held), the least of them. */
export function roomOf(lines: readonly BudgetLine[]): BudgetRoom {
  const room: BudgetRoom = { microusd: null, tokens: null };
  for (const line of lines) {
    if (line.unit === 'microusd') room.microusd = tighter(room.microusd, line.remaining);
    else room.tokens = tighter(room.tokens, line.remaining);
  }
  return room;
}

/** One try: the request's worst case held, or the totals it did not fit. */
async function tryHold(
  database: Pick<DatabaseHandle, 'query'>,
  request: HoldRequest,
  limits: BudgetLimits,
  bounds: PeriodBounds,
  holdTtlMs: number,
  operator: OperatorLimits | null,
): Promise<(Totals & Partial<OperatorTotals>) | null> {
  // One round trip: lock, read, check and insert happen in webox_quota_hold.
  const { rows } = await database.query<Totals & Partial<OperatorTotals> & { held: boolean }>(
    operator ? OPERATOR_HOLD : HOLD,
    [
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
      ...(operator ? [operator.dayMicrousd, operator.monthMicrousd] : []),
    ],
  );
  const result = rows[0];
  if (!result) throw new Error('webox_quota_hold returned no row');
  return result.held ? null : result;
}

/**
 * Holds the request's worst case for `holdTtlMs`, or throws 429 quota_exceeded. `limits` already
 * include the ceiling's (budgetInForce); the ceiling only says whose refusal it is. With `shorten`, a
 * request that does not fit is tried again as `shorten` shortens it to the room left (each try is
 * held or refused whole, under the lock, so shortening stays exact however many requests race);
 * the refusal then names the request `shorten` last gave. Answers the request held.
 */
export async function placeHold(
  database: Pick<DatabaseHandle, 'query'>,
  request: HoldRequest,
  limits: BudgetLimits,
  bounds: PeriodBounds,
  holdTtlMs: number,
  ceiling: BudgetCeiling | null = null,
  shorten?: FitToRoom,
  operator: OperatorLimits | null = null,
): Promise<HoldRequest> {
  const resets = { day: bounds.dayResetsAt, month: bounds.monthResetsAt };
  const fits = (attempt: HoldRequest) => (line: BudgetLine) =>
    line.spent + line.held + requestedIn(attempt, line) <= line.limit;
  let attempt = request;
  for (let tries = 0; ; tries++) {
    const totals = await tryHold(database, attempt, limits, bounds, holdTtlMs, operator);
    if (!totals) return attempt;
    const lines = budgetLines(limits, request.source, totals, resets);
    const operatorLines = operator
      ? budgetLines(operatorBudgetLimits(operator), 'global', operatorTotalsOf(totals), resets)
      : [];
    const next = shorten && tries < FIT_ATTEMPTS ? shorten(roomOf([...lines, ...operatorLines])) : null;
    if (next && lines.every(fits(next)) && operatorLines.every(fits(next))) {
      attempt = next;
      continue;
    }
    const refused = next ?? attempt;
    // The operator's pause first: no budget of the user's would let the call through.
    if (operator && (totals.operator_fits === false || !operatorLines.every(fits(refused)))) {
      const binding = bindingLine(operatorLines.filter((line) => !fits(refused)(line))) ?? bindingLine(operatorLines);
      if (binding) throw meteringErrors.operatorQuotaExceeded(binding, requestedIn(refused, binding));
    }
    // The first limit the request does not fit is the one the refusal names.
    if (ceiling && !budgetLines(ceiling.limits, request.source, totals, resets).every(fits(refused))) {
      throw ceiling.refusal();
    }
    // Of the limits it does not fit, the refusal names the one that binds: the figure the user
    // reads as what is left (bindingLine).
    const binding = bindingLine(lines.filter((line) => !fits(refused)(line)));
    if (!binding) throw new Error('webox_quota_hold refused a request that fits every limit');
    throw meteringErrors.quotaExceeded(binding, requestedIn(refused, binding));
  }
}
