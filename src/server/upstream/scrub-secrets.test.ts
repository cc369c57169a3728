import { APICallError } from 'ai';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allProviders, keyEncodings as encodingsOf, makeKey } from '../../../test/helpers/keys.ts';
import { REDACTED, scrubCredentialShapes, scrubError, scrubSecrets } from './scrub-secrets.ts';

const ordinary = [
  'Invalid request: max_tokens must be at most 4096.',
  'The model `gpt-4o-mini` does not exist or you do not have access to it.',
  'messages.0.content: Input should be a valid string',
  '* GenerateContentRequest.contents: contents is not specified',
  'Rate limit reached for requests. Please try again in 1s.',
  'Unknown request URL: POST /openai/v1/chat/completion. Please check the URL for typos.',
];

describe('scrubSecrets', () => {
  for (const provider of allProviders) {
    it(`${provider}: removes the call's key in every encoding, fragments included`, () => {
      const key = makeKey[provider]();
      for (const [name, form] of Object.entries(encodingsOf(key))) {
        const text = `Incorrect API key provided: ${form}. You can find your key in the console.`;
        const scrubbed = scrubSecrets(text, [key]);
        for (const other of Object.values(encodingsOf(key))) {
          expect(scrubbed, `${name} left ${other}`).not.toContain(other);
        }
        expect(scrubbed).toContain(REDACTED);
        expect(scrubbed).toMatch(/^Incorrect API key provided: /);
        expect(scrubbed).toMatch(/You can find your key in the console\.$/);
      }
    });
  }

  it('removes keys of every provider shape, masked OpenAI keys, tokens and bearer values it was not told about', () => {
    const strangers = allProviders.map((provider) => makeKey[provider]());
    const token = `wbx_${'Ab9_-'.repeat(9)}`;
    const text = [
      ...strangers.map((key) => `key ${key} refused`),
      'Incorrect API key provided: sk-proj-********************************************ab12.',
      `token ${token}`,
      'Authorization: Bearer abc.def-ghi_jkl',
      '{"x-api-key": "some-opaque-value-123"}',
      'https://example.com/v1beta/models?key=opaque-value-4567&alt=sse',
    ].join('\n');
    const scrubbed = scrubSecrets(text);
    for (const key of strangers) expect(scrubbed).not.toContain(key.slice(4, 16));
    expect(scrubbed).not.toContain('ab12');
    expect(scrubbed).not.toContain(token.slice(4));
    expect(scrubbed).not.toContain('abc.def');
    expect(scrubbed).not.toContain('some-opaque-value');
    expect(scrubbed).toContain('Bearer [redacted]');
    expect(scrubbed).toContain('"x-api-key": "[redacted]"');
  });

  it('leaves ordinary provider messages as they are', () => {
    for (const message of ordinary) {
      expect(scrubSecrets(message, [makeKey.openai()])).toBe(message);
      expect(scrubCredentialShapes(message)).toBe(message);
    }
  });

  it('never lets 8 consecutive characters of the key through, wherever it sits (fast-check)', () => {
    const key = makeKey.openai();
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.nat(key.length - 8),
        fc.integer({ min: 8, max: 30 }),
        fc.string({ maxLength: 30 }),
        (before, start, length, after) => {
          const scrubbed = scrubSecrets(`${before}${key.slice(start, start + length)}${after}`, [key]);
          for (let index = 0; index + 8 <= key.length; index++) {
            expect(scrubbed).not.toContain(key.slice(index, index + 8));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('copies an SDK error without its request, body or headers, and scrubbed', () => {
    const key = makeKey.groq();
    const error = new APICallError({
      message: `Invalid API Key: ${key}`,
      url: 'https://api.groq.com/openai/v1/chat/completions',
      requestBodyValues: { model: 'x', secret: key },
      statusCode: 401,
      responseHeaders: { 'x-echo': key },
      responseBody: JSON.stringify({ error: { message: key } }),
      cause: new Error(`socket said ${Buffer.from(key).toString('base64')}`),
    });
    const copy = scrubError(error, [key]) as Error & Record<string, unknown>;
    const written = JSON.stringify({ ...copy, message: copy.message, stack: copy.stack, cause: String(copy.cause) });
    expect(written).not.toContain(key.slice(4, 16));
    expect(written).not.toContain(Buffer.from(key).toString('base64').slice(4, 20));
    expect(copy.url).toBeUndefined();
    expect(copy.requestBodyValues).toBeUndefined();
    expect(copy.responseBody).toBeUndefined();
    expect(copy.responseHeaders).toBeUndefined();
    expect(copy.name).toBe('AI_APICallError');
    expect(copy.message).toMatch(/^Invalid API Key: \[redacted\]/);
  });
});
