import { describe, expect, it } from 'vitest';
import { costMicrousd, estimateTokens } from './cost.ts';

const gpt4oMini = {
  id: 'p',
  inputMicrousdPerMtok: 150_000,
  outputMicrousdPerMtok: 600_000,
  cachedInputMicrousdPerMtok: 75_000,
};

describe('costMicrousd', () => {
  it('charges each token kind at its price per million, rounded up, in integer micro-dollars', () => {
    // 1000 input × $0.15/M = 150 µ$, 500 output × $0.60/M = 300 µ$.
    expect(costMicrousd({ inputTokens: 1000, outputTokens: 500, cachedInputTokens: 0 }, gpt4oMini)).toBe(450);
    // 1 token at $0.15/M is 0.15 µ$: rounded up to 1 µ$ per kind.
    expect(costMicrousd({ inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 }, gpt4oMini)).toBe(2);
    expect(costMicrousd({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 }, gpt4oMini)).toBe(0);
  });
  it('charges cached input tokens at the cached price, out of the input tokens', () => {
    // 800 cached × 0.075 = 60, 200 uncached × 0.15 = 30, 100 output × 0.6 = 60.
    expect(costMicrousd({ inputTokens: 1000, outputTokens: 100, cachedInputTokens: 800 }, gpt4oMini)).toBe(150);
    // No cached price: cached tokens cost the input price.
    expect(
      costMicrousd(
        { inputTokens: 1000, outputTokens: 0, cachedInputTokens: 800 },
        { ...gpt4oMini, cachedInputMicrousdPerMtok: null },
      ),
    ).toBe(150);
  });
  it('stays exact on large counts', () => {
    expect(
      costMicrousd(
        { inputTokens: 123_456_789, outputTokens: 98_765_432, cachedInputTokens: 0 },
        {
          id: null,
          inputMicrousdPerMtok: 3_000_000,
          outputMicrousdPerMtok: 15_000_000,
          cachedInputMicrousdPerMtok: null,
        },
      ),
    ).toBe(Math.ceil(123_456_789 * 3) + Math.ceil(98_765_432 * 15));
  });
  it('estimates about four characters a token', () => {
    expect(estimateTokens(0)).toBe(0);
    expect(estimateTokens(9)).toBe(3);
  });
});
