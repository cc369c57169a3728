import { describe, expect, it } from 'vitest';
import { fillDays, presetRange, providerRows, share } from './usage-data.ts';

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

  it('gives a share of a total in whole percents, 0 of nothing', () => {
    expect(share(25, 100)).toBe(25);
    expect(share(1, 3)).toBe(33);
    expect(share(1, 0)).toBe(0);
  });

  it('sums the models’ rows into their providers’, costliest first', () => {
    const row = (key: string, costMicrousd: number, requests = 1) => ({
      key,
      requests,
      errors: 0,
      inputTokens: 10 * requests,
      outputTokens: requests,
      cachedInputTokens: 0,
      costMicrousd,
      globalCostMicrousd: costMicrousd,
      personalCostMicrousd: 0,
    });
    const providers = providerRows([
      row('openai/gpt-4o-mini', 30, 3),
      row('groq/openai/gpt-oss-120b', 50, 2),
      row('openai/gpt-4o', 40, 1),
      row('mistral/mistral-small', 0),
    ]);
    expect(providers.map((item) => [item.key, item.requests, item.inputTokens, item.costMicrousd])).toEqual([
      ['openai', 4, 40, 70],
      ['groq', 2, 20, 50],
      ['mistral', 1, 10, 0],
    ]);
    expect(providerRows([])).toEqual([]);
  });
});
