import { describe, expect, it } from 'vitest';
import type { BudgetLineView } from '../../shared/limits.ts';
import { budgetAlert, budgetState, tightestLine } from './budget-state.ts';

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
