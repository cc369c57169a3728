import { describe, expect, it } from 'vitest';
import { budgetFormOf, budgetFromForm, overrideFromForm, parsePerMinute } from './budget-form.ts';

describe('admin budget forms', () => {
  it('turns dollars into whole micro-dollars and empty fields into no limit', () => {
    expect(budgetFromForm({ dayDollars: '0.42', monthDollars: '', dayTokens: ' 20000 ', monthTokens: '' })).toEqual({
      ok: true,
      limits: { dayMicrousd: 420_000, monthMicrousd: null, dayTokens: 20_000, monthTokens: null },
    });
    // A French comma, and float dust rounded away (0.29 * 1e6 is 289999.99…).
    expect(budgetFromForm({ dayDollars: '0,29', monthDollars: '5', dayTokens: '', monthTokens: '0' })).toEqual({
      ok: true,
      limits: { dayMicrousd: 290_000, monthMicrousd: 5_000_000, dayTokens: null, monthTokens: 0 },
    });
    expect(budgetFromForm({ dayDollars: '0.0000004', monthDollars: '', dayTokens: '', monthTokens: '' })).toMatchObject(
      {
        limits: { dayMicrousd: 0 },
      },
    );
  });

  it('names the first field that is not an amount', () => {
    expect(budgetFromForm({ dayDollars: '', monthDollars: 'ten', dayTokens: '', monthTokens: '' })).toEqual({
      ok: false,
      field: 'monthDollars',
    });
    expect(budgetFromForm({ dayDollars: '-1', monthDollars: '', dayTokens: '', monthTokens: '' })).toMatchObject({
      field: 'dayDollars',
    });
    expect(budgetFromForm({ dayDollars: '', monthDollars: '', dayTokens: '1.5', monthTokens: '' })).toMatchObject({
      field: 'dayTokens',
    });
  });

  it('fills a form back from limits, in dollars', () => {
    expect(budgetFormOf({ dayMicrousd: 1_500_000, monthMicrousd: null, dayTokens: 1000, monthTokens: null })).toEqual({
      dayDollars: '1.5',
      monthDollars: '',
      dayTokens: '1000',
      monthTokens: '',
    });
    expect(budgetFormOf(null)).toEqual({ dayDollars: '', monthDollars: '', dayTokens: '', monthTokens: '' });
  });

  it('sends null for a budget or rate left to the default', () => {
    const form = { dayDollars: '', monthDollars: '12.5', dayTokens: '', monthTokens: '' };
    expect(overrideFromForm({ global: form, personal: null, requestsPerMinute: '', tokensPerMinute: '5000' })).toEqual({
      ok: true,
      override: {
        global: { dayMicrousd: null, monthMicrousd: 12_500_000, dayTokens: null, monthTokens: null },
        personal: null,
        requestsPerMinute: null,
        tokensPerMinute: 5000,
      },
    });
    expect(overrideFromForm({ global: null, personal: null, requestsPerMinute: '0', tokensPerMinute: '' })).toEqual({
      ok: false,
      field: 'requestsPerMinute',
    });
    expect(
      overrideFromForm({
        global: null,
        personal: { ...form, dayDollars: 'x' },
        requestsPerMinute: '',
        tokensPerMinute: '',
      }),
    ).toEqual({ ok: false, field: 'personal.dayDollars' });
    expect(parsePerMinute('')).toBeNull();
    expect(parsePerMinute('30')).toBe(30);
    expect(parsePerMinute('2.5')).toBeNaN();
  });
});
