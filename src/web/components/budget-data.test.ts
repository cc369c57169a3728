import { describe, expect, it } from 'vitest';
import type { BudgetLineView } from '../../shared/limits.ts';
import {
  budgetAlert,
  budgetFormOf,
  budgetFromForm,
  budgetState,
  overrideFromForm,
  parsePerMinute,
  tightestLine,
} from './budget-data.ts';

const line = (overrides: Partial<BudgetLineView> = {}): BudgetLineView => ({
  source: 'global',
  period: 'day',
  unit: 'microusd',
  limit: 1_000_000,
  spent: 0,
  held: 0,
  remaining: 1_000_000,
  percent: 0,
  resetsAt: '2026-03-02T00:00:00.000Z',
  ...overrides,
});

describe('budget states', () => {
  it('warns from 80 % and calls a line used up at 100 % or nothing left', () => {
    expect(budgetState(line({ percent: 79.9, spent: 799_000, remaining: 201_000 }))).toBe('ok');
    expect(budgetState(line({ percent: 80, spent: 800_000, remaining: 200_000 }))).toBe('warning');
    expect(budgetState(line({ percent: 100, spent: 1_000_000, remaining: 0 }))).toBe('exhausted');
    // Held for an answer in progress: nothing left although less than 100 % is spent.
    expect(budgetState(line({ percent: 40, spent: 400_000, held: 600_000, remaining: 0 }))).toBe('exhausted');
    expect(budgetState(line({ limit: 0, percent: 100, remaining: 0 }))).toBe('exhausted');
  });

  it('picks the line of the key source with the least room left, whatever its unit', () => {
    const lines = [
      line({ period: 'day', remaining: 500_000 }),
      line({ period: 'month', limit: 10_000_000, remaining: 2_000_000 }),
      line({ unit: 'tokens', limit: 1000, remaining: 100 }),
      line({ source: 'personal', remaining: 0 }),
    ];
    expect(tightestLine(lines, 'global')).toMatchObject({ unit: 'tokens', remaining: 100 });
    expect(tightestLine(lines, 'personal')).toMatchObject({ source: 'personal', remaining: 0 });
    expect(tightestLine(lines.slice(0, 3), 'personal')).toBeNull();
  });

  it('tells about the used-up line that frees up last, else the most used one past 80 %', () => {
    const day = line({ percent: 100, remaining: 0, resetsAt: '2026-03-02T00:00:00.000Z' });
    const month = line({ period: 'month', percent: 100, remaining: 0, resetsAt: '2026-04-01T00:00:00.000Z' });
    expect(budgetAlert([day, month])).toEqual({ state: 'exhausted', line: month });
    const warm = line({ percent: 85, remaining: 150_000 });
    const hot = line({ unit: 'tokens', percent: 95, limit: 100, remaining: 5 });
    expect(budgetAlert([warm, hot, line({ percent: 10, remaining: 900_000 })])).toEqual({
      state: 'warning',
      line: hot,
    });
    expect(budgetAlert([line({ percent: 79 })])).toBeNull();
    expect(budgetAlert([])).toBeNull();
  });
});

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
