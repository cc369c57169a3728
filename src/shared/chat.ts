// POST /api/chat's answers (DESIGN §6), shared by the server's route schema and the OpenAPI
// document. With `stream: false` the answer is one JSON object; streamed, it is Server-Sent Events,
// one `data:` line per event (described, not validated: the stream is written as it comes).
import { z } from 'zod';

export const chatUsage = z
  .object({ inputTokens: z.number().int(), outputTokens: z.number().int() })
  .meta({ id: 'ChatUsage', description: 'Tokens as the provider counted them.' });

/** Set when WeBox sent a lower output limit than asked for, to fit the budget left. */
export const outputCap = z
  .object({
    outputTokens: z.number().int().describe('The output limit the answer was given (it may stop there).'),
    reason: z.literal('budget'),
  })
  .meta({
    id: 'OutputCap',
    description:
      'The answer was limited to this many output tokens so that it fits the budget left (absent: not limited).',
  });

const answeredOn = z.enum(['personal', 'global']).describe('The key the answer was made with.');

/** `stream: false`. */
export const chatAnswer = z
  .object({ text: z.string(), source: answeredOn, usage: chatUsage, capped: outputCap.optional() })
  .meta({ id: 'ChatAnswer', description: 'The whole answer, with `stream: false`.' });

/** An error after the first byte: the stream's last event. */
export const streamError = z
  .object({ type: z.literal('error'), code: z.string(), message: z.string() })
  .meta({ id: 'StreamError', description: 'A failure after the answer began (before it, a JSON error answers).' });

export const streamDelta = z
  .object({ type: z.literal('delta'), text: z.string() })
  .meta({ id: 'StreamDelta', description: 'The next piece of the answer.' });

/** The payload of each `data:` line of a streamed answer. */
export const chatStreamEvent = z
  .discriminatedUnion('type', [
    streamDelta,
    z.object({ type: z.literal('done'), source: answeredOn, usage: chatUsage, capped: outputCap.optional() }),
    streamError,
  ])
  .meta({
    id: 'ChatStreamEvent',
    description: 'One `data: {…}` line of the stream: deltas, then `done` (or `error`), then the end.',
  });

export type ChatStreamEvent = z.infer<typeof chatStreamEvent>;
export type OutputCapView = z.infer<typeof outputCap>;
