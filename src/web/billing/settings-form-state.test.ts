// Exchange rates as rows and back; an empty allowance is none.
import { describe, expect, it } from 'vitest';
import { emptyBudgetForm } from '../limits/budget-form.ts';
import { allowanceFromForm, rateRowsOf, ratesFromRows } from './settings-form-state.ts';

describe('billing settings form', () => {
  it('lists the rates set, then the plan currencies that still lack one (never the dollar)', () => {
    expect(rateRowsOf({ gbp: 1.27 }, ['eur', 'usd', 'gbp', 'eur'])).toEqual([
      { currency: 'GBP', rate: '1.27' },
      { currency: 'EUR', rate: '' },
    ]);
  });

  it('reads rates with a comma, leaves rows without one out, and points at an invalid row', () => {
    expect(
      ratesFromRows([
        { currency: 'EUR', rate: '1,08' },
        { currency: 'CHF', rate: '' },
        { currency: '', rate: '' },
      ]),
    ).toEqual({
      ok: true,
      rates: { eur: 1.08 },
    });
    expect(
      ratesFromRows([
        { currency: 'EUR', rate: '1.08' },
        { currency: 'euro', rate: '1' },
      ]),
    ).toEqual({ ok: false, row: 1 });
    expect(ratesFromRows([{ currency: 'EUR', rate: '0' }])).toEqual({ ok: false, row: 0 });
    expect(
      ratesFromRows([
        { currency: 'EUR', rate: '1' },
        { currency: 'eur', rate: '2' },
      ]),
    ).toEqual({ ok: false, row: 1 });
  });

  it('takes an allowance with no amount for none', () => {
    expect(allowanceFromForm(emptyBudgetForm)).toEqual({ ok: true, allowance: null });
    expect(allowanceFromForm({ ...emptyBudgetForm, monthDollars: '0.5' })).toEqual({
      ok: true,
      allowance: { dayMicrousd: null, monthMicrousd: 500_000, dayTokens: null, monthTokens: null },
    });
  });
});
