// POST /api/chat: Server-Sent Events by default, one JSON answer with stream: false (DESIGN §6).
import { chatAnswer, chatStreamEvent } from '../../shared/chat.ts';
import { chatBody } from '../../shared/contracts.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { userScope } from '../auth/route-scopes.ts';
import { shutdownReason } from '../drain.ts';
import { AppError } from '../errors.ts';
import { openEventStream } from '../gateway/event-stream.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import { type ChatEvent, createChatService, wireEvent } from './chat-service.ts';

const sse = (event: ChatEvent) => `data: ${JSON.stringify(wireEvent(event))}\n\n`;

/** The stream is written as it comes, past the serialiser: described, not validated. */
const streamed: RouteDocs = {
  responses: {
    200: {
      description:
        'With `stream: false`, the answer as JSON. Otherwise (the default) `text/event-stream`: `data: {…}` lines, deltas, then `done` with the key source and usage, or `error` after the first byte.',
      content: { 'text/event-stream': chatStreamEvent },
    },
  },
};

/** Signed-in users only (the scope's guard). */
export const chatRoutes = userScope(async (app) => {
  const chat = createChatService({
    config: app.config,
    vault: app.vault,
    ledger: app.metering.ledger,
    admit: app.metering.admit,
    log: app.log.child({ module: 'chat' }),
  });

  const schema = {
    tags: ['Chat'],
    summary: 'One completion',
    description:
      'On the key `GET /api/keys` shows (personal → global → none: 400 `no_api_key`), after the rate limits and budgets. An error before the first byte is a JSON error; a key the provider refuses is 502 `provider_rejected_key`, never retried with the global key.',
    body: chatBody,
    response: { 200: chatAnswer },
    docs: streamed,
  };

  app.post('/api/chat', { schema, attachValidation: true }, async (request, reply) => {
    const user = currentUser(request);
    if (request.validationError) {
      // Refused before reaching a provider, and counted as such.
      const body = (request.body ?? {}) as { provider?: unknown; model?: unknown };
      chat.meterRefusal(
        { requestId: String(request.id), userId: user.id, provider: body.provider, model: body.model },
        new AppError(400, 'invalid_request', request.validationError.message),
      );
      throw request.validationError;
    }
    // Aborted when the client goes away, so the provider call stops too.
    const abort = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    // And when a graceful stop's drain period ends first: the client then gets an error event.
    app.drain.track(abort, reply.raw);

    // Everything up to the provider's first answer part may still become a plain JSON error.
    const events = await chat.startChat({
      userId: user.id,
      provider: request.body.provider,
      model: request.body.model,
      messages: request.body.messages,
      signal: abort.signal,
      requestId: String(request.id),
      onHeaders: (headers) => reply.headers(headers),
    });

    if (request.body.stream === false) {
      let text = '';
      for await (const event of events) {
        if (event.type === 'delta') text += event.text;
        else if (event.type === 'error') {
          // The status the same failure has before the first byte: a mid-answer 429 stays a 429.
          throw shutdownReason(abort.signal) ?? new AppError(event.status, event.code, event.message);
        } else return { text, source: event.source, usage: event.usage };
      }
      throw new AppError(502, 'provider_error', 'The provider ended the answer early.');
    }

    openEventStream(reply);
    try {
      for await (const event of events) {
        if (abort.signal.aborted && !shutdownReason(abort.signal)) break;
        reply.raw.write(sse(event));
      }
    } catch (error) {
      request.log.error({ err: error }, 'chat stream failed');
      reply.raw.write(
        sse({ type: 'error', code: 'internal_error', message: 'Something went wrong on our side.', status: 500 }),
      );
    } finally {
      reply.raw.end();
    }
  });
});
