// POST /api/chat: Server-Sent Events by default, one JSON answer with stream: false (DESIGN §6).
// A wire-format adapter: the call itself is the completion pipeline's (completions/).
import { chatAnswer, chatStreamEvent } from '../../shared/chat.ts';
import { chatBody } from '../../shared/contracts.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { userScope } from '../auth/route-scopes.ts';
import type { Caller } from '../completions/completion-pipeline.ts';
import { shutdownReason } from '../drain.ts';
import { commonErrors } from '../errors.ts';
import { openEventStream } from '../event-stream.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import { providerErrors } from '../providers/provider-errors.ts';
import { type ChatEvent, readChatCompletion, wireEvent } from './chat-completion.ts';

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
  const log = app.log.child({ module: 'chat' });

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
    const caller: Caller = {
      requestId: String(request.id),
      userId: currentUser(request).id,
      tokenId: null,
      tokenRequestsPerMinute: null,
      endpoint: 'chat',
    };
    if (request.validationError) {
      // Refused before reaching a provider, and counted as such.
      const body = (request.body ?? {}) as { provider?: unknown; model?: unknown };
      app.completions.refuse(
        caller,
        { provider: body.provider, model: body.model },
        commonErrors.invalidRequest(request.validationError.message),
      );
      throw request.validationError;
    }

    // Everything up to the provider's first answer part may still become a plain JSON error.
    const { body } = request;
    const events = await app.completions.run(caller, body, () => readChatCompletion(body, log), reply);

    if (body.stream === false) {
      let text = '';
      for await (const event of events) {
        if (event.type === 'delta') text += event.text;
        else if (event.type === 'error') {
          // The status the same failure has before the first byte: a mid-answer 429 stays a 429.
          throw shutdownReason(events.signal) ?? event.error;
        } else return { text, source: event.source, usage: event.usage, ...(event.capped && { capped: event.capped }) };
      }
      throw providerErrors.endedEarly();
    }

    openEventStream(reply);
    try {
      for await (const event of events) {
        if (events.signal.aborted && !shutdownReason(events.signal)) break;
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
