// /api/conversations: the web chat's saved conversations (docs/conversations-api.md). The message
// route streams like POST /api/chat and saves the question and the answer once the provider has
// answered.
import {
  type ConversationStreamEvent,
  conversationDetail,
  conversationList,
  conversationParams,
  conversationStreamEvent,
  conversationSummary,
  createConversationBody,
  sendMessageBody,
  updateConversationBody,
} from '../../shared/conversations.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { userScope } from '../auth/route-scopes.ts';
import { readChatCompletion, wireError } from '../chat/chat-completion.ts';
import { commonErrors } from '../errors.ts';
import { openEventStream } from '../event-stream.ts';
import { noContent } from '../openapi/route-docs.ts';
import { createConversationService } from './conversation-service.ts';

const sse = (event: ConversationStreamEvent) => `data: ${JSON.stringify(event)}\n\n`;

const tags = ['Conversations'];
const NOT_YOURS = "Another user's conversation answers 404, like one that does not exist.";

/** Signed-in users only (the scope's guard). */
export const conversationRoutes = userScope(async (app) => {
  const conversations = createConversationService({ db: app.database.db });
  const log = app.log.child({ module: 'conversations' });

  app.get(
    '/api/conversations',
    { schema: { tags, summary: 'Your conversations', response: { 200: conversationList } } },
    async (request) => ({ conversations: await conversations.list(currentUser(request).id) }),
  );

  app.post(
    '/api/conversations',
    {
      schema: {
        tags,
        summary: 'Start a conversation',
        description: 'Without a title, the first message names it.',
        body: createConversationBody,
        response: { 201: conversationSummary },
      },
    },
    async (request, reply) => reply.status(201).send(await conversations.create(currentUser(request).id, request.body)),
  );

  app.get(
    '/api/conversations/:id',
    {
      schema: {
        tags,
        summary: 'A conversation and its messages',
        description: NOT_YOURS,
        params: conversationParams,
        response: { 200: conversationDetail },
      },
    },
    async (request) => conversations.get(currentUser(request).id, request.params.id),
  );

  app.patch(
    '/api/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Rename it, or change its provider and model',
        description: NOT_YOURS,
        params: conversationParams,
        body: updateConversationBody,
        response: { 200: conversationSummary },
      },
    },
    async (request) => conversations.update(currentUser(request).id, request.params.id, request.body),
  );

  app.delete(
    '/api/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Delete a conversation',
        description: NOT_YOURS,
        params: conversationParams,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      await conversations.remove(currentUser(request).id, request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: 'One turn: send a message, stream the answer',
        description:
          "Like `POST /api/chat` with the conversation as history. `provider` and `model`, when given, become the conversation's. The question and the answer are saved once the provider has answered (an answer stopped or cut midway is saved as far as it went); before the first byte, a failure is a JSON error and nothing is saved.",
        params: conversationParams,
        body: sendMessageBody,
        // Written as it comes, past the serialiser: described, not validated.
        docs: {
          responses: {
            200: {
              description:
                '`text/event-stream`: `data: {…}` lines, deltas, then `done` with the saved messages and conversation, or `error`.',
              content: { 'text/event-stream': conversationStreamEvent },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const turn = await conversations.prepareTurn(user.id, request.params.id, request.body);
      // Up to the provider's first answer part, any failure is a plain JSON error and nothing is
      // saved. The call stops when the client goes away (the stop button) or a graceful stop's
      // drain period ends: the turn is then saved as far as it went.
      const events = await app.completions.run(
        {
          requestId: String(request.id),
          userId: user.id,
          tokenId: null,
          tokenRequestsPerMinute: null,
          endpoint: 'chat',
        },
        turn,
        () => readChatCompletion(turn, log),
        reply,
      );
      const { signal } = events;

      openEventStream(reply);
      const write = (event: ConversationStreamEvent) => {
        if (!reply.raw.destroyed) reply.raw.write(sse(event));
      };

      let answer = '';
      let saved = false;
      // Which key the turn runs on, for answers saved without a `done` (stopped or failed midway):
      // the one the chat found and admitted, not a second look-up.
      let source = events.source;
      const save = async (usage?: { inputTokens: number; outputTokens: number }) => {
        saved = true;
        return conversations.saveTurn({
          conversation: turn.conversation,
          provider: turn.provider,
          model: turn.model,
          userContent: request.body.content,
          answer,
          source,
          usage,
        });
      };
      try {
        for await (const event of events) {
          if (event.type === 'delta') {
            answer += event.text;
            if (!signal.aborted) write(event);
          } else if (event.type === 'done') {
            source = event.source;
            const turnSaved = await save(event.usage);
            write({
              type: 'done',
              source: event.source,
              usage: event.usage,
              ...(event.capped && { capped: event.capped }),
              ...turnSaved,
            });
          } else {
            // Failed midway: what the user already read is kept with the question.
            if (answer.length > 0) await save();
            write(wireError(event.error));
          }
          if (signal.aborted) break;
        }
        // Stopped by the user: keep the part of the answer they saw.
        if (!saved && answer.length > 0) await save();
      } catch (error) {
        request.log.error({ err: error }, 'conversation stream failed');
        write(wireError(commonErrors.internal()));
      } finally {
        reply.raw.end();
      }
    },
  );
});
