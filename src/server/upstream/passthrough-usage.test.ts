import { describe, expect, it } from 'vitest';
import { getProvider } from '../providers/registry.ts';
import { usageFromStreamTail, usageOf } from './passthrough-usage.ts';

describe('usage from upstream answers', () => {
  it('reads OpenAI usage, cached tokens and Groq’s x_groq.usage', () => {
    const openai = getProvider('openai');
    expect(
      usageOf(
        { usage: { prompt_tokens: 10, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 6 } } },
        openai,
      ),
    ).toEqual({
      inputTokens: 10,
      outputTokens: 4,
      cachedInputTokens: 6,
    });
    const groqAnswer = { x_groq: { usage: { prompt_tokens: 3, completion_tokens: 2 } } };
    expect(usageOf(groqAnswer, getProvider('groq'))).toEqual({
      inputTokens: 3,
      outputTokens: 2,
      cachedInputTokens: 0,
    });
    // Groq's quirk is Groq's: no other provider's answer is read there.
    expect(usageOf(groqAnswer, openai)).toBeNull();
    expect(usageOf({ usage: null }, openai)).toBeNull();
  });
  it('finds the usage chunk at the end of a stream, even with a cut line above it', () => {
    const tail = [
      'ed":"x"}}]}',
      'data: {"choices":[{"delta":{"content":"Hi"}}]}',
      'data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":5}}',
      'data: [DONE]',
      '',
    ].join('\n\n');
    expect(usageFromStreamTail(tail, getProvider('openai'))).toEqual({
      inputTokens: 7,
      outputTokens: 5,
      cachedInputTokens: 0,
    });
    expect(usageFromStreamTail('data: {"choices":[]}\n\ndata: [DONE]\n\n', getProvider('openai'))).toBeNull();
  });
});
