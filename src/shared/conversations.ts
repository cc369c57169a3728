// The conversation API's request bodies and answers (docs/conversations-api.md), shared by the
// server's route schemas and the web app.
import { z } from 'zod';
import { chatUsage, outputCap, streamDelta, streamError } from './chat.ts';
import { modelIdField } from './model-id.ts';
import { messageText, singleLineText } from './text.ts';

export const CONVERSATION_TITLE_MAX = 200;
/** Longest single message a user may send from the web chat. */
export const MESSAGE_CONTENT_MAX = 200_000;

const title = singleLineText({ trim: true, max: CONVERSATION_TITLE_MAX });
const provider = singleLineText({ min: 1, max: 64 });
const model = z.string().trim().pipe(modelIdField);

/** POST /api/conversations. Without a title, the first message names the conversation. */
export const createConversationBody = z.object({
  title: title.optional(),
  provider,
  model,
});

/** PATCH /api/conversations/:id: rename, or change the provider and model it remembers. */
export const updateConversationBody = z
  .object({ title: title.optional(), provider: provider.optional(), model: model.optional() })
  .refine(
    (body) => body.title !== undefined || body.provider !== undefined || body.model !== undefined,
    'give title, provider or model',
  );

/**
 * POST /api/conversations/:id/messages. provider and model, when given, become the conversation's
 * (the picker changed since it was created).
 */
export const sendMessageBody = z.object({
  content: messageText({ min: 1, max: MESSAGE_CONTENT_MAX }),
  provider: provider.optional(),
  model: model.optional(),
});

export const conversationParams = z.object({ id: singleLineText({ min: 1, max: 100 }) });

export type CreateConversationBody = z.infer<typeof createConversationBody>;
export type UpdateConversationBody = z.infer<typeof updateConversationBody>;
export type SendMessageBody = z.infer<typeof sendMessageBody>;

/** What the API answers (the server's route schemas, the web app's view types). */
export const conversationSummary = z
  .object({
    id: z.string(),
    title: z.string(),
    provider: z.string(),
    model: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime().describe('The last turn, rename or change of model.'),
  })
  .meta({ id: 'ConversationSummary', description: 'A conversation, without its messages.' });

export const conversationList = z
  .object({ conversations: z.array(conversationSummary) })
  .describe('Your conversations, the most recently active first.');

export const conversationMessage = z
  .object({
    id: z.string(),
    role: z.enum(['system', 'user', 'assistant']),
    content: z.string(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    keySource: z.enum(['personal', 'global']).nullable().describe("An answer's key; null on the user's messages."),
    inputTokens: z.number().int().nullable(),
    outputTokens: z.number().int().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ConversationMessage', description: 'One saved message.' });

export const conversationDetail = conversationSummary
  .extend({ messages: z.array(conversationMessage) })
  .meta({ id: 'ConversationDetail', description: 'A conversation and its messages, oldest first.' });

/** Events of the message stream (text/event-stream, one JSON object per `data:` line). */
export const conversationStreamEvent = z
  .discriminatedUnion('type', [
    streamDelta,
    z.object({
      type: z.literal('done'),
      source: z.enum(['personal', 'global']),
      usage: chatUsage,
      capped: outputCap.optional(),
      userMessage: conversationMessage,
      assistantMessage: conversationMessage,
      conversation: conversationSummary,
    }),
    streamError,
  ])
  .meta({
    id: 'ConversationStreamEvent',
    description: 'One `data: {…}` line: deltas, then `done` with the turn as saved (or `error`), then the end.',
  });

export type ConversationSummary = z.infer<typeof conversationSummary>;
export type ConversationMessage = z.infer<typeof conversationMessage>;
export type ConversationDetail = z.infer<typeof conversationDetail>;
export type ConversationStreamEvent = z.infer<typeof conversationStreamEvent>;
