import { describe, expect, it } from 'vitest';
import { getProvider } from '../providers/registry.ts';
import { usageFromStreamTail } from './passthrough-usage.ts';
import { createStreamTail, TAIL_BYTES } from './stream-tail.ts';

/** `text` cut into chunks of the given sizes, in turn (the last chunk takes the rest). */
function cut(text: Buffer, sizes: number[]) {
  const chunks: Buffer[] = [];
  for (let index = 0, turn = 0; index < text.length; turn++) {
    const size = sizes[turn % sizes.length] ?? text.length;
    chunks.push(text.subarray(index, index + size));
    index += size;
  }
  return chunks;
}

describe('createStreamTail', () => {
  it('holds the last bytes pushed, in order, for any chunking', () => {
    const text = Buffer.from(
      Array.from({ length: 300 }, (_, index) => String.fromCharCode(33 + (index % 90))).join(''),
    );
    for (const sizes of [[1], [3, 16, 1], [15], [16], [17], [40], [5, 100], [300]]) {
      for (const end of [0, 1, 15, 16, 17, 31, 32, 33, 299, 300]) {
        const tail = createStreamTail(16);
        for (const chunk of cut(text.subarray(0, end), sizes)) tail.push(chunk);
        expect(tail.bytes().toString()).toBe(text.subarray(Math.max(0, end - 16), end).toString());
      }
    }
  });

  it('keeps its own copy: a chunk the stream reuses afterwards does not change it', () => {
    const tail = createStreamTail(8);
    const chunk = Buffer.from('abcd');
    tail.push(chunk);
    chunk.fill('x');
    expect(tail.bytes().toString()).toBe('abcd');
  });
});

describe('usage from a stream tail kept as bytes', () => {
  const usage = { prompt_tokens: 1234, completion_tokens: 567, prompt_tokens_details: { cached_tokens: 89 } };
  const usageEvent = `data: ${JSON.stringify({ id: 'c1', choices: [], usage })}\n\n`;
  const contentEvent = (index: number) =>
    `data: ${JSON.stringify({ id: 'c1', choices: [{ delta: { content: `word ${index} é—🙂` } }] })}\n\n`;

  /**
   * A stream whose usage event starts `before` bytes ahead of a multiple of TAIL_BYTES, so that
   * the ring's wrap falls inside it, with a content line cut by the tail's window above it.
   */
  function streamAround(before: number) {
    const events: string[] = [];
    let length = 0;
    for (let index = 0; length < 3 * TAIL_BYTES; index++) {
      events.push(contentEvent(index));
      length += Buffer.byteLength(contentEvent(index));
    }
    const head = Buffer.from(events.join(''));
    // The usage event starts two bytes after usageAt (the boundary written before it).
    const usageAt = Math.ceil(head.length / TAIL_BYTES) * TAIL_BYTES - before - 2;
    return Buffer.concat([
      head.subarray(0, usageAt),
      // A whole event boundary before the usage, whatever the cut left above it.
      Buffer.from('\n\n'),
      Buffer.from(usageEvent),
      Buffer.from('data: [DONE]\n\n'),
    ]);
  }

  it('finds the usage event split across network chunks and across the ring’s wrap', () => {
    const provider = getProvider('openai');
    for (const before of [1, 20, Math.floor(usageEvent.length / 2), usageEvent.length - 1]) {
      const stream = streamAround(before);
      for (const sizes of [[1], [7], [3, 64, 11], [1500], [TAIL_BYTES - 1], [TAIL_BYTES + 5]]) {
        const chunks = cut(stream, sizes);
        // Chunks shorter than the usage event never carry it whole.
        if (Math.max(...sizes) < usageEvent.length) {
          expect(chunks.some((chunk) => chunk.includes(usageEvent.trim()))).toBe(false);
        }
        const tail = createStreamTail();
        for (const chunk of chunks) tail.push(chunk);
        expect(tail.bytes().equals(stream.subarray(-TAIL_BYTES))).toBe(true);
        expect(usageFromStreamTail(tail.bytes().toString('utf8'), provider)).toEqual({
          inputTokens: 1234,
          outputTokens: 567,
          cachedInputTokens: 89,
        });
      }
    }
  });

  it('finds nothing when the window starts inside the usage event', () => {
    const tail = createStreamTail(usageEvent.length);
    for (const chunk of cut(Buffer.from(`${contentEvent(1)}${usageEvent}data: [DONE]\n\n`), [5])) tail.push(chunk);
    expect(usageFromStreamTail(tail.bytes().toString('utf8'), getProvider('openai'))).toBeNull();
  });
});
