import { describe, expect, it } from 'vitest';
import type { BudgetLimits } from './limit-policies.ts';
import { budgetLines, type Totals } from './quota-status.ts';

const resets = { day: new Date('2025-03-02T23:00:00Z'), month: new Date('2025-03-31T22:00:00Z') };
// int8 columns come back from pg as strings, from PGlite as numbers: both are read.
const totals: Totals = {
  day_microusd: '400000',
  day_tokens: 1_500,
  month_microusd: '2500000',
  month_tokens: '9000',
  held_microusd: 100_000,
  held_tokens: '200',
};

describe('budgetLines', () => {
  it('shows only the limits that are set, each with spent, held, what is left and when it resets', () => {
    const limits: BudgetLimits = { dayMicrousd: 1_000_000, monthMicrousd: null, dayTokens: null, monthTokens: 10_000 };
    expect(budgetLines(limits, 'global', totals, resets)).toEqual([
      {
        source: 'global',
        period: 'day',
        unit: 'microusd',
        limit: 1_000_000,
        spent: 400_000,
        held: 100_000,
        remaining: 500_000,
        percent: 40,
        resetsAt: '2025-03-02T23:00:00.000Z',
      },
      {
        source: 'global',
        period: 'month',
        unit: 'tokens',
        limit: 10_000,
        spent: 9_000,
        held: 200,
        remaining: 800,
        percent: 90,
        resetsAt: '2025-03-31T22:00:00.000Z',
      },
    ]);
  });

  it('never shows less than nothing left, and a zero limit as used up', () => {
    const limits: BudgetLimits = { dayMicrousd: 0, monthMicrousd: 2_000_000, dayTokens: null, monthTokens: null };
    const [day, month] = budgetLines(limits, 'personal', totals, resets);
    expect(day).toMatchObject({ limit: 0, remaining: 0, percent: 100 });
    expect(month).toMatchObject({ spent: 2_500_000, remaining: 0, percent: 125 });
  });
});
