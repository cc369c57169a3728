import { describe, expect, it } from 'vitest';
import type { Price } from './cost.ts';
import { type UsageRecord, usageRowMaker } from './usage-row.ts';

const PRICE: Price = {
  id: 'p1',
  inputMicrousdPerMtok: 1_000_000,
  outputMicrousdPerMtok: 4_000_000,
  cachedInputMicrousdPerMtok: null,
};
const toRow = usageRowMaker({ priceAt: (_provider, model) => (model === 'priced' ? PRICE : null) }, 'Asia/Tokyo');
const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  requestId: 'r1',
  userId: 'u1',
  endpoint: 'gateway',
  provider: 'openai',
  model: 'priced',
  keySource: 'global',
  tokens: { inputTokens: 1_000, outputTokens: 500, cachedInputTokens: 0 },
  status: 200,
  // 20:00 UTC is already the next day in Tokyo.
  at: new Date('2025-03-01T20:00:00Z'),
  ...overrides,
});

describe('usageRowMaker', () => {
  it('prices the counts at the price in force, on the operator’s day', () => {
    expect(toRow(record())).toMatchObject({
      costMicrousd: 3_000,
      inputMicrousdPerMtok: 1_000_000,
      outputMicrousdPerMtok: 4_000_000,
      unpriced: false,
      estimated: false,
      day: '2025-03-02',
    });
  });

  it('flags a model with no price unpriced, and counts estimated when the provider’s never came', () => {
    expect(toRow(record({ model: 'new-model' }))).toMatchObject({ costMicrousd: 0, unpriced: true });
    const estimated = toRow(
      record({ tokens: null, estimatedTokens: { inputTokens: 10, outputTokens: 2, cachedInputTokens: 0 } }),
    );
    expect(estimated).toMatchObject({ inputTokens: 10, outputTokens: 2, estimated: true });
    // A refused call: no counts, nothing to price, nothing unpriced.
    expect(toRow(record({ tokens: null, status: 502 }))).toMatchObject({ costMicrousd: 0, unpriced: false });
  });

  it('charges an expired hold what it held, not today’s price', () => {
    expect(toRow(record({ heldMicrousd: 12_345 })).costMicrousd).toBe(12_345);
  });

  it('makes every value fit its column', () => {
    const row = toRow(
      record({
        requestId: `r\u0000${'x'.repeat(300)}`,
        tokenId: 'not-a-uuid',
        model: 'priced',
        tokens: { inputTokens: Number.NaN, outputTokens: 2 ** 40, cachedInputTokens: -5 },
        latencyMs: 12.6,
      }),
    );
    expect(row.requestId.length).toBeLessThanOrEqual(200);
    expect(row.requestId).not.toContain('\u0000');
    expect(row).toMatchObject({
      tokenId: null,
      inputTokens: 0,
      outputTokens: 2_147_483_647,
      cachedInputTokens: 0,
      latencyMs: 13,
      firstTokenMs: null,
    });
  });
});
