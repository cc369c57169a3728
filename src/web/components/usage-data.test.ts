import { describe, expect, it } from 'vitest';
import { fillDays, formatMoney, presetRange, share, usageUrl } from './usage-data.ts';

describe('usage data', () => {
  it('computes preset ranges across month and year ends', () => {
    expect(presetRange('thisMonth', '2026-11-24')).toEqual({ from: '2026-11-01', to: '2026-11-24' });
    expect(presetRange('lastMonth', '2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(presetRange('lastMonth', '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('last7', '2026-03-03')).toEqual({ from: '2026-02-25', to: '2026-03-03' });
    expect(presetRange('last30', '2026-11-24')).toEqual({ from: '2026-10-26', to: '2026-11-24' });
  });

  it('fills the quiet days with zeros, keeping the days that had traffic', () => {
    const filled = fillDays(
      [
        {
          key: '2026-11-02',
          requests: 3,
          errors: 0,
          inputTokens: 9,
          outputTokens: 4,
          cachedInputTokens: 0,
          costMicrousd: 12,
          globalCostMicrousd: 12,
          personalCostMicrousd: 0,
        },
      ],
      '2026-11-01',
      '2026-11-03',
    );
    expect(filled.map((row) => [row.key, row.requests])).toEqual([
      ['2026-11-01', 0],
      ['2026-11-02', 3],
      ['2026-11-03', 0],
    ]);
  });

  it('writes money from micro-dollars per language', () => {
    expect(formatMoney(12_345_678, 'en-US')).toBe('$12.35');
    expect(formatMoney(1_234, 'en-US')).toBe('$0.0012');
    expect(formatMoney(0, 'en-US')).toBe('$0.00');
    expect(formatMoney(12, 'en-US')).toBe('< $0.0001');
    expect(formatMoney(12_345_678, 'fr-FR').replace(/\s/g, ' ')).toBe('12,35 $US');
  });

  it('builds API and CSV links', () => {
    expect(usageUrl('mine', { from: '2026-11-01', to: '2026-11-24', groupBy: 'day' })).toBe(
      '/api/usage?from=2026-11-01&to=2026-11-24&groupBy=day',
    );
    expect(usageUrl('admin', { from: 'a', to: 'b', groupBy: 'user', format: 'csv' })).toBe(
      '/api/admin/usage?from=a&to=b&groupBy=user&format=csv',
    );
    expect(share(25, 100)).toBe(25);
    expect(share(1, 0)).toBe(0);
  });
});
