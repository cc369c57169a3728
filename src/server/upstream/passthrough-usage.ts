// Where a pass-through answer's usage is: `usage` of the chat.completion object, or of the last
// chunks of its stream (or wherever the provider's usageFrom says), read into WeBox's token counts.
import type { TokenCounts } from '../metering/cost.ts';
import type { ProviderSpec } from '../providers/spec.ts';

/** Reads `usage` (or where the provider's usageFrom says) from a chat.completion object or chunk. */
export function usageOf(value: unknown, provider: ProviderSpec): TokenCounts | null {
  if (typeof value !== 'object' || value === null) return null;
  const answer = value as Record<string, unknown>;
  const usage = (answer.usage ?? provider.gateway.usageFrom?.(answer)) as RawUsage | null | undefined;
  if (!usage || typeof usage.prompt_tokens !== 'number') return null;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

interface RawUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

/** The usage of a stream, from the `data:` lines at its end. */
export function usageFromStreamTail(tail: string, provider: ProviderSpec): TokenCounts | null {
  const lines = tail.split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]?.trim() ?? '';
    if (!line.startsWith('data:') || !line.includes('usage')) continue;
    try {
      const usage = usageOf(JSON.parse(line.slice(5)), provider);
      if (usage) return usage;
    } catch {
      // A line cut by the tail window: look further up.
    }
  }
  return null;
}
