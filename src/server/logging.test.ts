import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { makeKey } from '../../test/helpers/keys.ts';
import { serializeError } from './logging.ts';

describe('serializeError', () => {
  it('writes fixed fields only, with credentials scrubbed from message, stack and causes', () => {
    const key = makeKey.openai();
    const token = `wbx_${'a1B2c3D4'.repeat(6)}`;
    const error = new APICallError({
      message: `Incorrect API key provided: ${key}`,
      url: `https://api.openai.com/v1/chat/completions?token=${token}`,
      requestBodyValues: { model: 'gpt-4o', apiKey: key },
      statusCode: 401,
      responseHeaders: { 'x-echo': key },
      responseBody: JSON.stringify({ error: { message: key } }),
      cause: new Error(`upstream said Bearer ${token}`),
    });
    const logged = serializeError(error);
    expect(Object.keys(logged).sort()).toEqual(['cause', 'code', 'message', 'stack', 'statusCode', 'type']);
    const text = JSON.stringify(logged);
    expect(text).not.toContain(key.slice(3, 20));
    expect(text).not.toContain(token.slice(4, 20));
    expect(text).not.toContain('api.openai.com');
    expect(logged.message).toBe('Incorrect API key provided: [redacted]');
    expect(logged.type).toBe('AI_APICallError');
  });
});
