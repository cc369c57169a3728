// The output a request may make the provider bill: one limit whatever it is called, n, a
// prediction, and what a budget cannot bound.
import { describe, expect, it } from 'vitest';
import { getProvider } from '../providers/registry.ts';
import { adaptForProvider, type CompletionBody } from './completion-request.ts';
import { readOutputRequest, withOutputLimit } from './output-limits.ts';

const body = (extra: Record<string, unknown>): CompletionBody => ({
  model: 'openai/gpt-4o',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const openai = getProvider('openai');

describe('readOutputRequest', () => {
  it('reads the limit under any of its names, n and a prediction', () => {
    for (const name of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
      expect(readOutputRequest(openai, 'gpt-4o', body({ [name]: 70 })).maxOutputTokens).toBe(70);
    }
    expect(readOutputRequest(openai, 'gpt-4o', body({ max_tokens: 70, max_completion_tokens: 70 }))).toEqual({
      maxOutputTokens: 70,
      choices: 1,
      extraOutputTokens: 0,
      unbounded: [],
    });
    const predicted = readOutputRequest(
      openai,
      'gpt-4o',
      body({ n: 2, prediction: { type: 'content', content: 'ab' } }),
    );
    expect(predicted.choices).toBe(2);
    expect(predicted.extraOutputTokens).toBe(2 * JSON.stringify({ type: 'content', content: 'ab' }).length);
    expect(readOutputRequest(openai, 'gpt-4o', body({ audio: { voice: 'alloy' } })).unbounded).toEqual(['audio']);
    expect(readOutputRequest(getProvider('mistral'), 'm', body({ audio: {} })).unbounded).toEqual([]);
  });

  it('refuses conflicting names, impossible limits and n, naming the parameter', () => {
    const param = (extra: Record<string, unknown>, model = 'gpt-4o') => {
      try {
        readOutputRequest(openai, model, body(extra));
      } catch (error) {
        return (error as { details?: { param?: string } }).details?.param;
      }
      return 'accepted';
    };
    expect(param({ max_tokens: 5, max_completion_tokens: 6 })).toBe('max_tokens');
    expect(param({ max_tokens: 16_385 })).toBe('max_tokens');
    expect(param({ max_tokens: 16_384 })).toBe('accepted');
    expect(param({ max_completion_tokens: 2 ** 31 }, 'gpt-unlisted')).toBe('max_completion_tokens');
    expect(param({ max_completion_tokens: 2 ** 31 - 1 }, 'gpt-unlisted')).toBe('accepted');
    expect(param({ max_completion_tokens: 2 ** 30, n: 2 }, 'gpt-unlisted')).toBe('n');
    for (const n of [0, 129, 1.5, '3']) expect(param({ n })).toBe('n');
  });
});

describe('withOutputLimit, then the provider’s own name', () => {
  it('sends exactly one limit, the one given', () => {
    const sent = withOutputLimit(body({ max_tokens: 9, max_output_tokens: 9 }), 9);
    expect(adaptForProvider(openai, sent, 'gpt-4o', false)).toMatchObject({ max_completion_tokens: 9 });
    expect(adaptForProvider(openai, sent, 'gpt-4o', false)).not.toHaveProperty('max_tokens');
    const mistral = adaptForProvider(getProvider('mistral'), sent, 'm', false);
    expect(mistral.max_tokens).toBe(9);
    expect(mistral).not.toHaveProperty('max_completion_tokens');
    expect(withOutputLimit(body({ max_tokens: 9 }), null)).not.toHaveProperty('max_tokens');
  });

  it('a renamed parameter sent under both names with different values is refused', () => {
    expect(() => adaptForProvider(getProvider('mistral'), body({ seed: 1, random_seed: 2 }), 'm', false)).toThrow(
      expect.objectContaining({ code: 'invalid_request', details: { param: 'random_seed' } }),
    );
  });
});
