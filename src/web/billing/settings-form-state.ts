// Admin › Plans' billing settings: the exchange rates as rows of text and back, and the free
// allowance (an empty budget is no allowance). Pure, so it can be tested alone.
import type { BudgetLimitsView } from '../api/types.ts';
import type { BudgetForm } from '../limits/budget-form.ts';
import { budgetFromForm } from '../limits/budget-form.ts';

export interface RateRow {
  currency: string;
  rate: string;
}

/** Each rate set, then a row for each plan currency that has none yet (so the admin sees it is missing). */
export function rateRowsOf(usdPerCurrency: Record<string, number>, planCurrencies: string[]): RateRow[] {
  const rows = Object.entries(usdPerCurrency)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, rate]) => ({ currency: currency.toUpperCase(), rate: String(rate) }));
  for (const currency of [...new Set(planCurrencies)].sort()) {
    if (currency !== 'usd' && !(currency in usdPerCurrency)) rows.push({ currency: currency.toUpperCase(), rate: '' });
  }
  return rows;
}

/** A positive decimal typed with a point or a comma; NaN otherwise. */
function parseRate(text: string): number {
  const trimmed = text.trim().replace(',', '.');
  return /^\d+(\.\d+)?$|^\.\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** The rates the rows describe (rows without a rate are left out), or the index of the first invalid row. */
export function ratesFromRows(
  rows: RateRow[],
): { ok: true; rates: Record<string, number> } | { ok: false; row: number } {
  const rates: Record<string, number> = {};
  for (const [index, row] of rows.entries()) {
    const currency = row.currency.trim().toLowerCase();
    if (!currency && !row.rate.trim()) continue;
    if (!row.rate.trim() && /^[a-z]{3}$/.test(currency)) continue;
    const rate = parseRate(row.rate);
    if (!/^[a-z]{3}$/.test(currency) || !(rate > 0) || currency in rates) return { ok: false, row: index };
    rates[currency] = rate;
  }
  return { ok: true, rates };
}

/** The free allowance a form describes: null when every field is empty. */
export function allowanceFromForm(
  form: BudgetForm,
): { ok: true; allowance: BudgetLimitsView | null } | { ok: false; field: keyof BudgetForm } {
  const parsed = budgetFromForm(form);
  if (!parsed.ok) return parsed;
  const empty = Object.values(parsed.limits).every((value) => value === null);
  return { ok: true, allowance: empty ? null : parsed.limits };
}
