import { describe, expect, it } from 'vitest';
import { finishReasonOf, toOpenAiUsage, usageOfFinish } from './openai-finish.ts';

describe('finishReasonOf', () => {
  it("names the AI SDK's reasons as OpenAI does, and calls anything else a stop", () => {
    expect(finishReasonOf('length')).toBe('length');
    expect(finishReasonOf('tool-calls')).toBe('tool_calls');
    expect(finishReasonOf('content-filter')).toBe('content_filter');
    for (const reason of ['stop', 'error', 'other', undefined] as const) expect(finishReasonOf(reason)).toBe('stop');
  });
});

describe('usage of a translated answer', () => {
  it('meters what the provider counted, a missing count as 0', () => {
    expect(usageOfFinish({ inputTokens: 12, outputTokens: 5, inputTokenDetails: { cacheReadTokens: 4 } })).toEqual({
      inputTokens: 12,
      outputTokens: 5,
      cachedInputTokens: 4,
    });
    expect(usageOfFinish({ inputTokens: undefined, outputTokens: 3 })).toEqual({
      inputTokens: 0,
      outputTokens: 3,
      cachedInputTokens: 0,
    });
  });

  it("reports it in OpenAI's usage object, the total summed", () => {
    expect(toOpenAiUsage({ inputTokens: 12, outputTokens: 5, cachedInputTokens: 4 })).toEqual({
      prompt_tokens: 12,
      completion_tokens: 5,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 4 },
    });
  });
});
