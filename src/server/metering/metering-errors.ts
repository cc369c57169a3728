// The metering module's error catalogue: rate limits, budgets, prices and the usage reports'
// parameters. Refusals that waiting will cure say how long in Retry-After.
import type { BudgetLineView } from '../../shared/limits.ts';
import { AppError, commonErrors } from '../errors.ts';

const money = (microusd: number) => `$${(microusd / 1_000_000).toFixed(microusd < 10_000_000 ? 4 : 2)}`;
const amount = (unit: BudgetLineView['unit'], value: number) =>
  unit === 'microusd' ? money(value) : `${value.toLocaleString('en-US')} tokens`;

export const meteringErrors = {
  /** The request log's cursor was not made by it (or was altered). */
  invalidCursor: () =>
    new AppError(400, 'invalid_request', 'cursor is not one this API gave: start again from the first page.', {
      details: { param: 'cursor' },
    }),
  /**
   * The rate-limit store cannot be reached: global-key traffic fails closed (spending the
   * operator's keys unmetered is worse than a pause).
   */
  limitsUnavailable: () =>
    new AppError(
      503,
      'limits_unavailable',
      'Usage limits cannot be checked right now (the rate-limit store is unreachable), so the shared keys are paused. Personal keys still work; try again in a moment.',
      { headers: { 'retry-after': '5' } },
    ),
  /** `what` is whose limit ("your account", "this access token"); `headers`, the window's. */
  tooManyRequests: (what: string, limit: number, resetSeconds: number, headers: Record<string, string>) =>
    new AppError(
      429,
      'rate_limited',
      `Too many requests: ${what} allows ${limit} per minute. Try again in ${resetSeconds} s.`,
      { headers: { ...headers, 'retry-after': String(resetSeconds) } },
    ),
  tooManyTokens: (perMinute: number, resetSeconds: number) =>
    new AppError(
      429,
      'rate_limited',
      `Too many tokens: your limit is ${perMinute.toLocaleString('en-US')} tokens per minute. Try again in ${resetSeconds} s.`,
      { headers: { 'retry-after': String(resetSeconds) } },
    ),
  tooManyInFlight: (running: number, retrySeconds: number) =>
    new AppError(
      429,
      'rate_limited',
      `You have ${running} requests in progress, the most one account may run at once. Retry when one of them has finished.`,
      { headers: { 'retry-after': String(retrySeconds) } },
    ),
  quotaExceeded: (line: BudgetLineView, requested: number) => {
    const period = line.period === 'day' ? 'daily' : 'monthly';
    const keys = line.source === 'global' ? 'the shared (global) keys' : 'your personal keys';
    const resetsInSeconds = Math.max(1, Math.ceil((Date.parse(line.resetsAt) - Date.now()) / 1000));
    return new AppError(
      429,
      'quota_exceeded',
      `Your ${period} ${line.unit === 'microusd' ? 'budget' : 'token budget'} on ${keys} is used up: ` +
        `${amount(line.unit, line.remaining)} of ${amount(line.unit, line.limit)} left, and this request may use up to ` +
        `${amount(line.unit, requested)}. It resets at ${line.resetsAt}.`,
      {
        details: {
          quota: {
            source: line.source,
            period: line.period,
            unit: line.unit,
            limit: line.limit,
            remaining: line.remaining,
            requested,
            resetsAt: line.resetsAt,
          },
        },
        // Waiting minutes will not help; openai-node reads x-should-retry and does not retry.
        headers: { 'retry-after': String(resetsInSeconds), 'x-should-retry': 'false' },
      },
    );
  },
  /**
   * The operator's hard cap on the global keys is reached (every user's spend together): the
   * global keys are paused until the period resets; a personal key still works.
   */
  operatorQuotaExceeded: (line: BudgetLineView, requested: number) => {
    const period = line.period === 'day' ? 'daily' : 'monthly';
    const resetsInSeconds = Math.max(1, Math.ceil((Date.parse(line.resetsAt) - Date.now()) / 1000));
    return new AppError(
      429,
      'quota_exceeded',
      `The service's ${period} budget on the shared (global) keys is used up, so they are paused until ${line.resetsAt}. ` +
        'A personal key of your own still works.',
      {
        details: {
          quota: {
            source: 'operator',
            period: line.period,
            unit: line.unit,
            limit: line.limit,
            remaining: line.remaining,
            requested,
            resetsAt: line.resetsAt,
          },
        },
        headers: { 'retry-after': String(resetsInSeconds), 'x-should-retry': 'false' },
      },
    );
  },
  /** A parameter whose cost the price book cannot bound, while a budget applies. */
  unboundedParameter: (param: string) =>
    new AppError(
      400,
      'invalid_request',
      `${param} is not available while a budget applies: WeBox cannot tell in advance what it costs.`,
      { details: { param } },
    ),
  tooMuchOutput: () =>
    new AppError(400, 'invalid_request', 'This request asks for more output than one request may.', {
      details: { param: 'n' },
    }),
  unpricedModel: (provider: string, model: string) =>
    new AppError(
      400,
      'unpriced_model',
      `${provider}/${model} has no price in WeBox, so it cannot be charged against your budget. Ask an admin to add its price, or choose a listed model.`,
    ),
  userIdForAdmins: () => commonErrors.invalidParameter('userId is for admins (/api/admin/usage/report).', 'userId'),
  groupByUserForAdmins: () =>
    new AppError(400, 'invalid_request', 'groupBy=user is for admins (/api/admin/usage).', {
      details: { param: 'groupBy' },
    }),
  invalidDay: (param: string) =>
    new AppError(400, 'invalid_request', `${param} must be a date written YYYY-MM-DD.`, { details: { param } }),
  /** A range whose start comes after its end (the request log names the parameter). */
  reversedRange: (param?: 'from') =>
    new AppError(400, 'invalid_request', 'from must not be after to.', param ? { details: { param } } : undefined),
};
