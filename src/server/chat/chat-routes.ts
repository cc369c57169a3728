// POST /api/chat: Server-Sent Events by default, one JSON answer with stream: false (DESIGN §6).
import { chatBody } from '../../shared/contracts.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { userScope } from '../auth/route-scopes.ts';
import { shutdownReason } from '../drain.ts';
import { commonErrors } from '../errors.ts';
import { openEventStream } from '../gateway/event-stream.ts';
import { providerErrors } from '../providers/provider-errors.ts';
import { type ChatEvent, createChatService, wireEvent } from './chat-service.ts';

const sse = (event: ChatEvent) => `data: ${JSON.stringify(wireEvent(event))}\n\n`;

/** Signed-in users only (the scope's guard). */
export const chatRoutes = userScope(async (app) => {
  const chat = createChatService({
    config: app.config,
    vault: app.vault,
    ledger: app.metering.ledger,
    admit: app.metering.admit,
    log: app.log.child({ module: 'chat' }),
  });

  app.post('/api/chat', { schema: { body: chatBody }, attachValidation: true }, async (request, reply) => {
    const user = currentUser(request);
    if (request.validationError) {
      // Refused before reaching a provider, and counted as such.
      const body = (request.body ?? {}) as { provider?: unknown; model?: unknown };
      chat.meterRefusal(
        { requestId: String(request.id), userId: user.id, provider: body.provider, model: body.model },
        commonErrors.invalidRequest(request.validationError.message),
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
          throw shutdownReason(abort.signal) ?? event.error;
        } else return { text, source: event.source, usage: event.usage };
      }
      throw providerErrors.endedEarly();
    }

    openEventStream(reply);
    try {
      for await (const event of events) {
        if (abort.signal.aborted && !shutdownReason(abort.signal)) break;
        reply.raw.write(sse(event));
      }
    } catch (error) {
      request.log.error({ err: error }, 'chat stream failed');
      reply.raw.write(sse({ type: 'error', error: commonErrors.internal() }));
    } finally {
      reply.raw.end();
    }
  });
});
