// The hold: a request's worst case checked against every limit of its budget and held, in one
// statement (the webox_quota_hold function, migration 0004) under a per-user lock, so
// `spent + held + this request ≤ limit` holds however many requests race, on however many
// instances. A refusal is 429 quota_exceeded naming the first limit the worst case does not fit,
// unless a ceiling's limit is the one it does not fit: then the ceiling's own refusal.
import type { DatabaseHandle } from '../db/client.ts';
import type { BudgetCeiling, BudgetLimits } from './limit-policies.ts';
import type { MeteredCall } from './metered-call.ts';
import { meteringErrors } from './metering-errors.ts';
import type { PeriodBounds } from './periods.ts';
import { type BudgetLine, budgetLines, type Totals } from './quota-status.ts';

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

/**
 * Holds the request's worst case for `holdTtlMs`, or throws 429 quota_exceeded. `limits` already
 * include the ceiling's (budgetInForce); the ceiling only says whose refusal it is.
 */
export async function placeHold(
  database: Pick<DatabaseHandle, 'query'>,
  request: HoldRequest,
  limits: BudgetLimits,
  bounds: PeriodBounds,
  holdTtlMs: number,
  ceiling: BudgetCeiling | null = null,
): Promise<void> {
  // One round trip: lock, read, check and insert happen in webox_quota_hold.
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
  if (result.held) return;
  // The first limit the worst case does not fit is the one the refusal names.
  const resets = { day: bounds.dayResetsAt, month: bounds.monthResetsAt };
  const fits = (line: BudgetLine) => line.spent + line.held + requestedIn(request, line) <= line.limit;
  if (ceiling && !budgetLines(ceiling.limits, request.source, result, resets).every(fits)) throw ceiling.refusal();
  for (const line of budgetLines(limits, request.source, result, resets)) {
    if (!fits(line)) throw meteringErrors.quotaExceeded(line, requestedIn(request, line));
  }
  throw new Error('webox_quota_hold refused a request that fits every limit');
}
