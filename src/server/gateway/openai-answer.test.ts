import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import type { ModelPart } from '../upstream/model-stream.ts';
import { readAnswer, type TranslatedCompletion } from './openai-answer.ts';

const usage = { inputTokens: 9, outputTokens: 4, inputTokenDetails: { cacheReadTokens: 2 } };
const finish = (finishReason: string) => ({ type: 'finish', finishReason, totalUsage: usage }) as unknown as ModelPart;
const text = (value: string) => ({ type: 'text-delta', id: 't1', text: value }) as ModelPart;
const toolCall = {
  type: 'tool-call',
  toolCallId: 'call_1',
  toolName: 'weather',
  input: { city: 'Paris' },
} as ModelPart;

function completion(parts: ModelPart[], signal = new AbortController().signal): TranslatedCompletion {
  return {
    id: 'chatcmpl-1',
    created: 1_700_000_000,
    model: 'anthropic/claude-haiku-4-5',
    providerName: 'Anthropic',
    modelStream: {
      parts: (async function* () {
        yield* parts;
      })(),
      describe: () => new AppError(502, 'provider_error', 'Anthropic failed to answer (status 500).'),
    },
    signal,
  };
}

describe('readAnswer', () => {
  it('joins the text into one chat.completion, with the usage it meters', async () => {
    const { answer, usage: metered } = await readAnswer(completion([text('Hel'), text('lo'), finish('stop')]));
    expect(answer).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'anthropic/claude-haiku-4-5',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, prompt_tokens_details: { cached_tokens: 2 } },
    });
    expect(metered).toEqual({ inputTokens: 9, outputTokens: 4, cachedInputTokens: 2 });
  });

  it('answers tool calls with null content, their arguments as JSON text', async () => {
    const { answer } = await readAnswer(completion([toolCall, finish('tool-calls')]));
    expect(answer.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      refusal: null,
    });
    expect(answer.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it("throws the provider's failure, or a provider_error when the answer ends with no finish", async () => {
    await expect(readAnswer(completion([text('Hel'), { type: 'error', error: new Error('x') }]))).rejects.toThrow(
      expect.objectContaining({ code: 'provider_error', message: 'Anthropic failed to answer (status 500).' }),
    );
    await expect(readAnswer(completion([text('Hel')]))).rejects.toThrow(
      expect.objectContaining({ code: 'provider_error', message: 'Anthropic ended the answer early.' }),
    );
  });
});
