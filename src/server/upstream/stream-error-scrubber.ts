// The error events inside a pass-through stream, scrubbed of the key on their way to the client.
import { scrubSecrets } from './scrub-secrets.ts';

const NEWLINE = 0x0a;
const ERROR = Buffer.from('error');
/** A line longer than this is let out (scrubbed) without waiting for its end. */
const MAX_PENDING_LINE = 64 * 1024;

/**
 * A provider reports a failure inside a stream as an error event (`data: {"error": {…}}`, Mistral's
 * `"object": "error"`, `event: error`), in its own words, which may quote the key: such lines are
 * scrubbed like any provider text (issue 10, item 4). Bytes are let out by whole lines, as they
 * came; the rest of the stream is not decoded.
 */
export function createStreamErrorScrubber(apiKey: string) {
  let pending: Buffer | null = null;
  let errorEventOpen = false;
  const scrubLines = (bytes: Buffer) => {
    if (!errorEventOpen && !bytes.includes(ERROR)) return bytes;
    const lines = bytes.toString('utf8').split('\n');
    const scrubbed = lines.map((line) => {
      if (line.trim() === '') errorEventOpen = false;
      // The data lines after `event: error` are the error, whatever words they use.
      else if (line.startsWith('event:')) errorEventOpen = line.includes('error');
      // Not trimmed (providerText would): the line is a JSON event the client parses.
      return errorEventOpen || line.includes('error') ? scrubSecrets(line, [apiKey]) : line;
    });
    return Buffer.from(scrubbed.join('\n'));
  };
  return {
    push(chunk: Buffer): Buffer {
      const bytes: Buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
      const end = bytes.lastIndexOf(NEWLINE) + 1;
      if (end === 0 && bytes.length <= MAX_PENDING_LINE) {
        pending = Buffer.from(bytes);
        return Buffer.alloc(0);
      }
      const cut = end === 0 ? bytes.length : end;
      if (cut === bytes.length) {
        pending = null;
        return scrubLines(bytes);
      }
      // A copy: the stream may reuse the chunk it handed over.
      pending = Buffer.from(bytes.subarray(cut));
      return scrubLines(bytes.subarray(0, cut));
    },
    flush(): Buffer {
      const rest = pending;
      pending = null;
      return rest ? scrubLines(rest) : Buffer.alloc(0);
    },
  };
}
