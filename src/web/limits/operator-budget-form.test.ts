// The operator budget form's fields to settings: dollars (a comma in French), thresholds as a list,
// the multiple, and the first field that is not valid.
import { describe, expect, it } from 'vitest';
import { operatorSettingsFrom } from './operator-budget-form.tsx';

const form = (change: Record<string, unknown> = {}) => ({
  day: '',
  month: '',
  thresholds: '50, 80, 100',
  hardCap: false,
  spendJump: '',
  ...change,
});

describe('operatorSettingsFrom', () => {
  it('reads dollars, the thresholds in order and the multiple; empty is no limit', () => {
    expect(operatorSettingsFrom(form({ day: '12,5', thresholds: '90; 25 %', spendJump: '4', hardCap: true }))).toEqual({
      ok: true,
      settings: {
        dayMicrousd: 12_500_000,
        monthMicrousd: null,
        thresholds: [25, 90],
        hardCap: true,
        spendJumpMultiple: 4,
      },
    });
  });

  it('names the first field that is not valid', () => {
    expect(operatorSettingsFrom(form({ month: 'ten' }))).toEqual({ ok: false, field: 'month' });
    expect(operatorSettingsFrom(form({ thresholds: '50, 50' }))).toEqual({ ok: false, field: 'thresholds' });
    expect(operatorSettingsFrom(form({ thresholds: '0' }))).toEqual({ ok: false, field: 'thresholds' });
    expect(operatorSettingsFrom(form({ spendJump: '1' }))).toEqual({ ok: false, field: 'spendJump' });
  });
});
