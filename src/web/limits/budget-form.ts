// The admin's budget forms: text fields to limits and back, and the first field that is not a
// valid amount. Pure, so it can be tested alone.
import type { BudgetLimitsView, KeySourceName, LimitOverride } from '../../shared/limits.ts';

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
