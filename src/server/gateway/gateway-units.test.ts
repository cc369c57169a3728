// The gateway's pure pieces: model routing, per-provider parameter rules, and OpenAI messages
// translated for the AI SDK.
import { describe, expect, it } from 'vitest';
import { getProvider } from '../providers/registry.ts';
import { adaptForProvider, readCompletionRequest } from './completion-request.ts';
import { routeModel } from './model-id.ts';
import { toModelMessages, toSettings } from './translate.ts';

describe('routeModel', () => {
  it('splits on the first slash', () => {
    expect(routeModel('groq/openai/gpt-oss-120b')).toEqual({ provider: 'groq', model: 'openai/gpt-oss-120b' });
    expect(routeModel('openai/gpt-9-preview')).toEqual({ provider: 'openai', model: 'gpt-9-preview' });
  });
  it('accepts a bare id the catalogue makes unique, and refuses the rest', () => {
    expect(routeModel('gemini-2.5-pro')).toEqual({ provider: 'google', model: 'gemini-2.5-pro' });
    expect(() => routeModel('gpt-9')).toThrow(/Unknown model/);
    expect(() => routeModel('cohere/command-r')).toThrow(expect.objectContaining({ code: 'unknown_provider' }));
    // `openai/gpt-oss-120b` is Groq's model, but written like this it means provider openai.
    expect(routeModel('openai/gpt-oss-120b')).toEqual({ provider: 'openai', model: 'gpt-oss-120b' });
  });
});

describe('readCompletionRequest and adaptForProvider', () => {
  const base = { model: 'mistral/mistral-small-latest', messages: [{ role: 'user', content: 'hi' }] };
  it('checks the fields it routes on', () => {
    expect(() => readCompletionRequest([])).toThrow(/JSON object/);
    expect(() => readCompletionRequest({ messages: [] })).toThrow(
      expect.objectContaining({ details: { param: 'model' } }),
    );
    expect(() => readCompletionRequest({ ...base, messages: [{ content: 'x' }] })).toThrow(/role/);
    expect(() => readCompletionRequest({ ...base, stream: 'yes' })).toThrow(/stream/);
    expect(readCompletionRequest({ ...base, stream: true }).stream).toBe(true);
  });
  it('renames, drops and refuses per provider', () => {
    const { body } = readCompletionRequest({
      ...base,
      seed: 3,
      max_completion_tokens: 9,
      stream_options: { include_usage: true },
    });
    expect(adaptForProvider(getProvider('mistral'), body, 'mistral-small-latest', true)).toEqual({
      model: 'mistral-small-latest',
      messages: base.messages,
      random_seed: 3,
      max_tokens: 9,
    });
    expect(() => adaptForProvider(getProvider('mistral'), { ...body, user: 'u1' }, 'm', false)).toThrow(
      /user is not supported/,
    );
    const openai = adaptForProvider(getProvider('openai'), body, 'gpt-4o', true);
    expect(openai).toMatchObject({ model: 'gpt-4o', seed: 3, stream_options: { include_usage: true } });
    expect(
      adaptForProvider(getProvider('openai'), { ...body, stream_options: undefined }, 'gpt-4o', false).stream_options,
    ).toBeUndefined();
  });
});

describe('translation for the AI SDK', () => {
  it('moves system and developer text to instructions and keeps tool calls and results', () => {
    const converted = toModelMessages([
      { role: 'system', content: 'Be kind.' },
      { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
    ]);
    expect(converted.instructions).toBe('Be kind.\n\nBe brief.');
    expect(converted.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris' } }],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { type: 'text', value: '18°C' } },
        ],
      },
    ]);
  });
  it('maps sampling settings, tools and tool choice, and refuses what it cannot map', () => {
    const settings = toSettings({
      model: 'anthropic/claude-haiku-4-5',
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.5,
      top_p: 0.8,
      max_tokens: 100,
      stop: 'END',
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
    });
    expect(settings).toMatchObject({
      temperature: 0.5,
      topP: 0.8,
      maxOutputTokens: 100,
      stopSequences: ['END'],
      toolChoice: { type: 'tool', toolName: 'weather' },
    });
    expect(Object.keys(settings.tools ?? {})).toEqual(['weather']);
    expect(() => toSettings({ model: 'm', messages: [{ role: 'user', content: 'x' }], n: 2 })).toThrow(/n must be 1/);
    expect(() => toSettings({ model: 'm', messages: [{ role: 'wizard', content: 'x' }] })).toThrow(/Unknown role/);
    expect(() => toSettings({ model: 'm', messages: [{ role: 'system', content: 'only system' }] })).toThrow(
      /at least one/,
    );
  });
});
