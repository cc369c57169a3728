// The logic behind the budget displays and the admin's budget forms, kept out of the components so
// it can be tested alone: which line is tightest, when to warn, and form fields to limits and back.
import type { TFunction } from 'i18next';
import type { BudgetLimitsView, BudgetLineView, KeySourceName, LimitOverride } from '../../shared/limits.ts';

/** "$0.42" or "12,000 tokens", in the reader's language. */
export const budgetAmount = (t: TFunction, unit: BudgetLineView['unit'], value: number) =>
  t(`limits.amount.${unit}`, { value });

/** "Daily budget on the global keys", and the like. */
export const lineTitle = (t: TFunction, line: Pick<BudgetLineView, 'source' | 'period' | 'unit'>) =>
  t(`limits.lines.${line.source}.${line.period}.${line.unit}`);

/** From this share of a limit spent, the user is warned. */
export const WARNING_PERCENT = 80;

export type BudgetState = 'ok' | 'warning' | 'exhausted';

export function budgetState(line: BudgetLineView): BudgetState {
  if (line.percent >= 100 || line.remaining <= 0) return 'exhausted';
  return line.percent >= WARNING_PERCENT ? 'warning' : 'ok';
}

/** Share of the limit still free (0 to 1); a zero limit is fully used. */
const freeShare = (line: BudgetLineView) => (line.limit > 0 ? line.remaining / line.limit : 0);

/** The line of a key source that has the least room left, relative to its limit; null without one. */
export function tightestLine(lines: BudgetLineView[], source: KeySourceName): BudgetLineView | null {
  let tightest: BudgetLineView | null = null;
  for (const line of lines) {
    if (line.source !== source) continue;
    if (!tightest || freeShare(line) < freeShare(tightest)) tightest = line;
  }
  return tightest;
}

/**
 * What to tell the user about a set of lines: the used-up line that frees up last (nothing runs
 * before then), else the most used line past the warning threshold, else nothing.
 */
export function budgetAlert(
  lines: BudgetLineView[],
): { state: Exclude<BudgetState, 'ok'>; line: BudgetLineView } | null {
  const exhausted = lines.filter((line) => budgetState(line) === 'exhausted');
  if (exhausted.length > 0) {
    const line = exhausted.reduce((latest, item) =>
      Date.parse(item.resetsAt) > Date.parse(latest.resetsAt) ? item : latest,
    );
    return { state: 'exhausted', line };
  }
  const warned = lines.filter((line) => budgetState(line) === 'warning');
  if (warned.length === 0) return null;
  return { state: 'warning', line: warned.reduce((worst, item) => (item.percent > worst.percent ? item : worst)) };
}

/** An admin form's text fields for one key source: dollars and tokens, empty for no limit. */
export interface BudgetForm {
  dayDollars: string;
  monthDollars: string;
  dayTokens: string;
  monthTokens: string;
}

export const emptyBudgetForm: BudgetForm = { dayDollars: '', monthDollars: '', dayTokens: '', monthTokens: '' };

const dollarsText = (microusd: number | null) => (microusd === null ? '' : String(microusd / 1_000_000));
const tokensText = (tokens: number | null) => (tokens === null ? '' : String(tokens));

export function budgetFormOf(limits: BudgetLimitsView | null): BudgetForm {
  if (!limits) return emptyBudgetForm;
  return {
    dayDollars: dollarsText(limits.dayMicrousd),
    monthDollars: dollarsText(limits.monthMicrousd),
    dayTokens: tokensText(limits.dayTokens),
    monthTokens: tokensText(limits.monthTokens),
  };
}

/** A non-negative number typed with a point or a comma (French); null when empty, NaN when not a number. */
function parseAmount(text: string): number | null {
  const trimmed = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(',', '.');
  if (trimmed === '') return null;
  if (!/^\d*\.?\d*$/.test(trimmed) || trimmed === '.') return Number.NaN;
  return Number(trimmed);
}

/** The limits a form describes, or the first field that is not a valid amount. */
export function budgetFromForm(
  form: BudgetForm,
): { ok: true; limits: BudgetLimitsView } | { ok: false; field: keyof BudgetForm } {
  const dollars = (field: 'dayDollars' | 'monthDollars') => {
    const value = parseAmount(form[field]);
    return value === null ? null : Math.round(value * 1_000_000);
  };
  const tokens = (field: 'dayTokens' | 'monthTokens') => {
    const value = parseAmount(form[field]);
    return value === null || Number.isInteger(value) ? value : Number.NaN;
  };
  const limits: BudgetLimitsView = {
    dayMicrousd: dollars('dayDollars'),
    monthMicrousd: dollars('monthDollars'),
    dayTokens: tokens('dayTokens'),
    monthTokens: tokens('monthTokens'),
  };
  const fields: Array<[keyof BudgetForm, number | null]> = [
    ['dayDollars', limits.dayMicrousd],
    ['monthDollars', limits.monthMicrousd],
    ['dayTokens', limits.dayTokens],
    ['monthTokens', limits.monthTokens],
  ];
  const invalid = fields.find(([, value]) => value !== null && !Number.isFinite(value));
  return invalid ? { ok: false, field: invalid[0] } : { ok: true, limits };
}

/** A whole number of at least 1 for a rate-limit field; null when empty, NaN when invalid. */
export function parsePerMinute(text: string): number | null {
  const value = parseAmount(text);
  if (value === null) return null;
  return Number.isInteger(value) && value >= 1 ? value : Number.NaN;
}

/** Admin › Users' form for one user: each budget the default (null) or its own fields. */
export interface UserLimitsForm {
  global: BudgetForm | null;
  personal: BudgetForm | null;
  requestsPerMinute: string;
  tokensPerMinute: string;
}

export type UserLimitsField = `${KeySourceName}.${keyof BudgetForm}` | 'requestsPerMinute' | 'tokensPerMinute';

/** The PUT /api/admin/users/:id/limits body a form describes, or the first invalid field. */
export function overrideFromForm(
  form: UserLimitsForm,
): { ok: true; override: LimitOverride } | { ok: false; field: UserLimitsField } {
  const budgets: Record<KeySourceName, BudgetLimitsView | null> = { global: null, personal: null };
  for (const source of ['global', 'personal'] as const) {
    const fields = form[source];
    if (!fields) continue;
    const parsed = budgetFromForm(fields);
    if (!parsed.ok) return { ok: false, field: `${source}.${parsed.field}` };
    budgets[source] = parsed.limits;
  }
  const requestsPerMinute = parsePerMinute(form.requestsPerMinute);
  if (Number.isNaN(requestsPerMinute)) return { ok: false, field: 'requestsPerMinute' };
  const tokensPerMinute = parsePerMinute(form.tokensPerMinute);
  if (Number.isNaN(tokensPerMinute)) return { ok: false, field: 'tokensPerMinute' };
  return { ok: true, override: { ...budgets, requestsPerMinute, tokensPerMinute } };
}
