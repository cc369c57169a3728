import { describe, expect, it } from 'vitest';
import { readEvents, takeEvents } from './sse.ts';

describe('takeEvents', () => {
  it('parses complete events and keeps the unfinished rest', () => {
    const { events, rest } = takeEvents('data: {"type":"delta","text":"He"}\n\ndata: {"type":"delta","te');
    expect(events).toEqual([{ type: 'delta', text: 'He' }]);
    expect(rest).toBe('data: {"type":"delta","te');
  });

  it('accepts CRLF line ends, skips [DONE] and malformed events', () => {
    const { events } = takeEvents('data: {"a":1}\r\n\r\ndata: [DONE]\n\ndata: {oops\n\n');
    expect(events).toEqual([{ a: 1 }]);
  });
});

describe('readEvents', () => {
  it('reassembles events split across chunks', async () => {
    const encoder = new TextEncoder();
    const chunks = ['data: {"type":"delta","text":"Bon', 'jour"}\n', '\ndata: {"type":"done"}\n\n'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    const events: unknown[] = [];
    for await (const event of readEvents(body)) events.push(event);
    expect(events).toEqual([{ type: 'delta', text: 'Bonjour' }, { type: 'done' }]);
  });
});
