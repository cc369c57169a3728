import { describe, expect, it } from 'vitest';
import { groq } from './groq.ts';

const content = 'data: {"id":"c1","choices":[{"delta":{"content":"Hello"}}],"x_groq":{"id":"req_1"}}\n\n';
const plain = 'data: {"id":"c1","choices":[{"delta":{"content":" world"}}]}\n\n';
const last =
  'data: {"id":"c1","choices":[],"x_groq":{"id":"req_1","usage":{"prompt_tokens":7,"completion_tokens":2}}}\n\n';
const stream = `${content}${plain}${last}data: [DONE]\n\n`;

const run = (chunks: string[]) => {
  const rewrite = groq.gateway.streamRewrite();
  return [...chunks.map((chunk) => rewrite.push(Buffer.from(chunk))), rewrite.flush()].map(String).join('');
};

describe("Groq's stream rewrite", () => {
  it('copies x_groq.usage to usage in its one event, however the stream is cut into chunks', () => {
    for (const size of [1, 5, 64, stream.length]) {
      const chunks: string[] = [];
      for (let index = 0; index < stream.length; index += size) chunks.push(stream.slice(index, index + size));
      const out = run(chunks);
      expect(out.startsWith(`${content}${plain}`)).toBe(true);
      const events = out.split('\n\n');
      expect(JSON.parse(events[2]?.slice(5) ?? '')).toMatchObject({
        usage: { prompt_tokens: 7, completion_tokens: 2 },
        x_groq: { usage: { prompt_tokens: 7, completion_tokens: 2 } },
      });
      expect(events.slice(3)).toEqual(['data: [DONE]', '']);
    }
  });

  it('returns the very chunk it was given when it holds whole events without x_groq', () => {
    const rewrite = groq.gateway.streamRewrite();
    const chunk = Buffer.from(plain);
    expect(rewrite.push(chunk)).toBe(chunk);
  });

  it('meters usage from x_groq', () => {
    expect(groq.gateway.usageFrom({ x_groq: { usage: { prompt_tokens: 1 } } })).toEqual({ prompt_tokens: 1 });
    expect(groq.gateway.usageFrom({ choices: [] })).toBeUndefined();
  });
});
