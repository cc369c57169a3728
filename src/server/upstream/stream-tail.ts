// The last bytes of a pass-through stream, where its usage chunk is. Kept as bytes in one ring
// buffer allocated once per stream: each network chunk is copied in (no decoding, no allocation),
// and the tail is decoded once, when the stream has ended.

/** Enough of the stream's end to hold its usage chunk. */
export const TAIL_BYTES = 8192;

export interface StreamTail {
  push(chunk: Buffer): void;
  /** The last `size` bytes pushed (fewer if fewer came), in order. */
  bytes(): Buffer;
}

export function createStreamTail(size = TAIL_BYTES): StreamTail {
  const ring = Buffer.allocUnsafe(size);
  /** Where the next byte goes; until the ring is full, also how many it holds. */
  let next = 0;
  let full = false;
  return {
    push(chunk) {
      if (chunk.length >= size) {
        chunk.copy(ring, 0, chunk.length - size);
        next = 0;
        full = true;
        return;
      }
      const first = Math.min(chunk.length, size - next);
      chunk.copy(ring, next, 0, first);
      if (first < chunk.length) chunk.copy(ring, 0, first);
      const end = next + chunk.length;
      if (end >= size) full = true;
      next = end % size;
    },
    bytes() {
      if (!full) return ring.subarray(0, next);
      return next === 0 ? ring : Buffer.concat([ring.subarray(next), ring.subarray(0, next)]);
    },
  };
}
