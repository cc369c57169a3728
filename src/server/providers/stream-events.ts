// A StreamRewriter for providers whose streamed events need a change: events are re-assembled
// across network chunks and let out whole, as bytes; only the events holding `marker` are decoded
// and handed to `rewrite`. Everything else passes through undecoded.
import type { StreamRewriter } from './spec.ts';

const EVENT_END = Buffer.from('\n\n');
/** An event longer than this is let out as it is, without waiting for its end. */
const MAX_PENDING_EVENT = 64 * 1024;
const EMPTY = Buffer.alloc(0);

export function createEventRewriter(marker: string, rewrite: (event: string) => string): StreamRewriter {
  const needle = Buffer.from(marker);
  let pending: Buffer | null = null;
  const rewriteEvents = (bytes: Buffer) => {
    if (!bytes.includes(needle)) return bytes;
    return Buffer.from(
      bytes
        .toString('utf8')
        .split('\n\n')
        .map((event) => (event.includes(marker) ? rewrite(event) : event))
        .join('\n\n'),
    );
  };
  return {
    push(chunk) {
      const bytes: Buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
      const boundary = bytes.lastIndexOf(EVENT_END);
      if (boundary === -1 && bytes.length <= MAX_PENDING_EVENT) {
        // A copy: the stream may reuse the chunk it handed over.
        pending = Buffer.from(bytes);
        return EMPTY;
      }
      const cut = boundary === -1 ? bytes.length : boundary + EVENT_END.length;
      if (cut === bytes.length) {
        pending = null;
        return rewriteEvents(bytes);
      }
      pending = Buffer.from(bytes.subarray(cut));
      return rewriteEvents(bytes.subarray(0, cut));
    },
    flush() {
      const rest = pending;
      pending = null;
      return rest ?? EMPTY;
    },
  };
}
