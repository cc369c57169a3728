// What every streamed answer (the gateway's two paths, /api/chat, the conversations) writes around
// its event stream.
import type { FastifyReply } from 'fastify';
import type { AppError } from './errors.ts';

/** Takes the response over from Fastify and sends the event-stream headers. */
export function openEventStream(reply: FastifyReply) {
  reply.hijack();
  reply.raw.writeHead(200, {
    // What was set before the stream began (x-request-id, the X-RateLimit-* headers).
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies such as nginx must pass each event on at once.
    'x-accel-buffering': 'no',
  });
  return reply.raw;
}

/** An error after the first byte: OpenAI streams it as a `data:` event carrying its error shape. */
export const errorEvent = (error: AppError) =>
  `data: ${JSON.stringify({ error: { message: error.message, type: 'api_error', code: error.code, param: null } })}\n\n`;
