// The one abort wiring of a model call: the provider call stops when the client goes away, and
// when a graceful stop's drain period ends first (its reason is then the shutdown error, which
// the surfaces tell the client: see drain.ts's shutdownReason).
import type { FastifyReply } from 'fastify';
import type { Drain } from '../drain.ts';

export function callSignal(reply: FastifyReply, drain: Drain): AbortSignal {
  const abort = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  drain.track(abort, reply.raw);
  return abort.signal;
}
