import { describe, expect, it } from 'vitest';
import { getProvider, providers } from '../providers/registry.ts';
import { adaptForProvider, readCompletionRequest, serializeForProvider } from './completion-request.ts';
import { withOutputLimit } from './output-limits.ts';

describe('serializeForProvider', () => {
  const client = {
    model: 'openai/gpt-4o',
    messages: [{ role: 'user', content: 'Grüße — "quoted" \\ 🙂\n' }],
    max_tokens: 30,
    seed: 3,
    stream_options: { include_usage: false },
    temperature: 0.2,
  };

  it('is adaptForProvider(withOutputLimit(…)) as JSON, for every pass-through provider, limit and mode', () => {
    const { body } = readCompletionRequest(client);
    for (const provider of providers.filter((candidate) => candidate.openaiCompatible)) {
      const model = provider.models[0]?.id ?? 'm';
      const rules = { ...provider.gateway, unsupported: [] };
      const lenient = { ...provider, gateway: rules };
      for (const stream of [false, true]) {
        const outgoing = serializeForProvider(lenient, body, model, stream);
        for (const limit of [null, 1, 4096]) {
          expect(JSON.parse(outgoing.withLimit(limit)), `${provider.id} ${limit} ${stream}`).toEqual(
            adaptForProvider(lenient, withOutputLimit(body, limit), model, stream),
          );
        }
        // Its bytes are what goes out without the limit, and hold every byte of the prompt.
        expect(outgoing.bytes).toBe(Buffer.byteLength(outgoing.withLimit(null)));
        expect(outgoing.bytes).toBeGreaterThan(Buffer.byteLength(client.messages[0]?.content ?? ''));
      }
    }
  });

  it('refuses an unsupported parameter as adaptForProvider does', () => {
    const mistral = providers.find((provider) => provider.id === 'mistral');
    if (!mistral) throw new Error('mistral is in the registry');
    const { body } = readCompletionRequest({ ...client, user: 'u1' });
    expect(() => serializeForProvider(mistral, body, 'mistral-small-latest', false)).toThrow(/user is not supported/);
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
