import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import type { ModelPart } from '../upstream/model-stream.ts';
import type { TranslatedCompletion } from './openai-answer.ts';
import { writeChunks } from './openai-sse.ts';

const usage = { inputTokens: 9, outputTokens: 4, inputTokenDetails: { cacheReadTokens: 0 } };
const finish = { type: 'finish', finishReason: 'stop', totalUsage: usage } as unknown as ModelPart;
const text = (value: string) => ({ type: 'text-delta', id: 't1', text: value }) as ModelPart;

function completion(parts: ModelPart[], signal = new AbortController().signal): TranslatedCompletion {
  return {
    id: 'chatcmpl-1',
    created: 1_700_000_000,
    model: 'google/gemini-2.5-flash',
    providerName: 'Google Gemini',
    modelStream: {
      parts: (async function* () {
        yield* parts;
      })(),
      describe: () => new AppError(429, 'provider_rate_limited', 'Google Gemini is rate limiting requests.'),
    },
    signal,
  };
}

/** A sink that keeps what was written, and whether the stream was ended. */
function sink() {
  const written: string[] = [];
  let ended = false;
  return {
    write: (text: string) => written.push(text),
    end: () => {
      ended = true;
    },
    events: () => written.join('').split('\n\n').filter(Boolean),
    payloads: () =>
      written
        .join('')
        .split('\n\n')
        .filter((event) => event.startsWith('data: {'))
        .map((event) => JSON.parse(event.slice(6))),
    get ended() {
      return ended;
    },
  };
}

describe('writeChunks', () => {
  it('writes the role, each delta, the finish, the usage asked for, then [DONE], and ends', async () => {
    const out = sink();
    const result = await writeChunks(out, completion([text('Hel'), text('lo'), finish]), true);
    const payloads = out.payloads();
    expect(payloads.map((payload) => payload.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
      { content: 'lo' },
      {},
      null,
    ]);
    for (const payload of payloads) {
      expect(payload).toMatchObject({
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        model: 'google/gemini-2.5-flash',
      });
    }
    expect(payloads[3]?.choices[0]?.finish_reason).toBe('stop');
    expect(payloads[4]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
    });
    expect(out.events().at(-1)).toBe('data: [DONE]');
    expect(out.ended).toBe(true);
    expect(result).toEqual({
      usage: { inputTokens: 9, outputTokens: 4, cachedInputTokens: 0 },
      streamError: null,
      streamedCharacters: 5,
    });
  });

  it('sends no usage chunk unless asked', async () => {
    const out = sink();
    await writeChunks(out, completion([text('Hi'), finish]), false);
    expect(out.payloads().some((payload) => 'usage' in payload)).toBe(false);
    expect(out.events().at(-1)).toBe('data: [DONE]');
  });

  it("ends a failed stream with OpenAI's error event instead of [DONE]", async () => {
    const out = sink();
    const result = await writeChunks(out, completion([text('Hi'), { type: 'error', error: new Error('x') }]), true);
    expect(result.streamError?.code).toBe('provider_rate_limited');
    expect(result.usage).toBeNull();
    expect(out.payloads().at(-1)).toEqual({
      error: {
        message: 'Google Gemini is rate limiting requests.',
        type: 'api_error',
        code: 'provider_rate_limited',
        param: null,
      },
    });
    expect(out.events()).not.toContain('data: [DONE]');
    expect(out.ended).toBe(true);
  });

  it('tells the client a provider ended early, and nothing to a client that went away', async () => {
    const early = sink();
    expect((await writeChunks(early, completion([text('Hi')]), false)).streamError?.message).toBe(
      'Google Gemini ended the answer early.',
    );
    expect(early.payloads().at(-1)?.error?.code).toBe('provider_error');

    const controller = new AbortController();
    controller.abort();
    const gone = sink();
    const result = await writeChunks(gone, completion([text('Hi')], controller.signal), false);
    expect(result.streamError).toBeNull();
    expect(gone.payloads().some((payload) => 'error' in payload)).toBe(false);
    expect(gone.ended).toBe(true);
  });
});
