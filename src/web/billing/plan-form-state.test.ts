// The plan form's body: all fields for a new plan, prices only when changed for an existing one,
// and the field that stops it.
import { describe, expect, it } from 'vitest';
import { proPlan } from './billing-fixtures.ts';
import { planBodyOf, planFormOf } from './plan-form-state.ts';

describe('planBodyOf', () => {
  it('turns a new plan’s fields into the POST body, dollars in micro-dollars', () => {
    const form = {
      ...planFormOf(null),
      name: '  Pro ',
      monthPriceId: ' price_m ',
      budgets: { ...planFormOf(null).budgets, monthDollars: '20,5' },
    };
    expect(planBodyOf(form, null)).toEqual({
      ok: true,
      body: {
        name: 'Pro',
        description: '',
        prices: { month: { stripePriceId: 'price_m' }, year: null },
        budgets: { dayMicrousd: null, monthMicrousd: 20_500_000, dayTokens: null, monthTokens: null },
        models: null,
      },
    });
  });

  it('leaves unchanged prices out of an edit, and sends them once one changes', () => {
    const form = planFormOf(proPlan);
    const same = planBodyOf({ ...form, name: 'Pro+' }, proPlan);
    expect(same.ok && 'prices' in same.body).toBe(false);
    expect(same.ok && same.body.models).toEqual(['openai/gpt-4o-mini']);
    const cleared = planBodyOf({ ...form, yearPriceId: '' }, proPlan);
    expect(cleared.ok && cleared.body.prices).toEqual({ month: { stripePriceId: 'price_m' }, year: null });
  });

  it('stops at a missing name, a chosen list with no model, or an amount that is not one', () => {
    const form = planFormOf(proPlan);
    expect(planBodyOf({ ...form, name: ' ' }, null)).toEqual({ ok: false, error: { field: 'name' } });
    expect(planBodyOf({ ...form, models: [] }, null)).toEqual({ ok: false, error: { field: 'models' } });
    expect(planBodyOf({ ...form, budgets: { ...form.budgets, dayTokens: '1.5' } }, null)).toEqual({
      ok: false,
      error: { field: 'budget', budgetField: 'dayTokens' },
    });
  });
});
