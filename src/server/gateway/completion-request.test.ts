import { describe, expect, it } from 'vitest';
import { providers } from '../providers/registry.ts';
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
