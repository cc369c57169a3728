// Reads a text/event-stream body as it arrives: each `data:` payload parsed as JSON.

/** Splits the buffered text into complete events and the unfinished rest. */
export function takeEvents(buffer: string): { events: unknown[]; rest: string } {
  const normalized = buffer.replace(/\r\n/g, '\n');
  const parts = normalized.split('\n\n');
  const rest = parts.pop() ?? '';
  const events: unknown[] = [];
  for (const part of parts) {
    const data = part
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data.length === 0 || data === '[DONE]') continue;
    try {
      events.push(JSON.parse(data));
    } catch {
      // A malformed event is skipped; the stream's end tells whether the answer completed.
    }
  }
  return { events, rest };
}

export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const { events, rest } = takeEvents(buffer);
      buffer = rest;
      yield* events;
    }
    const { events } = takeEvents(`${buffer}${decoder.decode()}\n\n`);
    yield* events;
  } finally {
    reader.releaseLock();
  }
}
