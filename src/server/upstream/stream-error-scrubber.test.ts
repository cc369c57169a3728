import { describe, expect, it } from 'vitest';
import { makeKey } from '../../../test/helpers/keys.ts';
import { createStreamErrorScrubber } from './stream-error-scrubber.ts';

const run = (apiKey: string, chunks: string[]) => {
  const scrub = createStreamErrorScrubber(apiKey);
  return [...chunks.map((chunk) => scrub.push(Buffer.from(chunk))), scrub.flush()].map(String).join('');
};

describe('createStreamErrorScrubber', () => {
  const key = makeKey.openai();
  const content = 'data: {"choices":[{"delta":{"content":"Hello"}}]}\n\n';

  it('lets content through byte for byte and scrubs error events, even split across chunks', () => {
    const error = `data: {"error":{"message":"Incorrect API key provided: ${key}","type":"server_error"}}\n\n`;
    const stream = `${content}${error}data: [DONE]\n\n`;
    for (const size of [1, 7, 64, stream.length]) {
      const chunks: string[] = [];
      for (let index = 0; index < stream.length; index += size) chunks.push(stream.slice(index, index + size));
      const out = run(key, chunks);
      expect(out).not.toContain(key.slice(8, 20));
      expect(out.startsWith(content)).toBe(true);
      expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
      expect(JSON.parse(out.split('\n\n')[1]?.slice(5) ?? '')).toEqual({
        error: { message: 'Incorrect API key provided: [redacted]', type: 'server_error' },
      });
    }
  });

  it('scrubs the data lines of an `event: error`, whatever they say, and keeps CRLF framing', () => {
    const out = run(key, [
      `event: error\r\ndata: {"detail":"${Buffer.from(key).toString('base64')}"}\r\n\r\n`,
      content,
    ]);
    expect(out).not.toContain(Buffer.from(key).toString('base64').slice(4, 20));
    expect(out).toContain('\r\n\r\n');
    expect(out.endsWith(content)).toBe(true);
  });

  it('returns the very chunk it was given when no error is in it', () => {
    const scrub = createStreamErrorScrubber(key);
    const chunk = Buffer.from(content);
    expect(scrub.push(chunk)).toBe(chunk);
  });
});
