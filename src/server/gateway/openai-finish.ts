// How a translated answer ends, in OpenAI's words: the AI SDK's finish reason as OpenAI's
// finish_reason, and its token usage as WeBox's counts (metered) and as OpenAI's usage object.
import type { FinishReason } from 'ai';
import type { TokenCounts } from '../metering/cost.ts';

export function finishReasonOf(reason: FinishReason | undefined) {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export const toOpenAiUsage = (usage: TokenCounts) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
});

/** The finish part's total usage; a count the provider did not give is 0. */
export function usageOfFinish(usage: {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  inputTokenDetails?: { cacheReadTokens: number | undefined };
}): TokenCounts {
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cachedInputTokens: usage.inputTokenDetails?.cacheReadTokens ?? 0,
  };
}
