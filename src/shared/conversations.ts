// Request bodies of the conversation API (docs/conversations-api.md), shared by the server's route
// schemas and the web app.
import { z } from 'zod';
import type { ErrorCode } from './error-codes.ts';
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

/** What the API answers (the web app's view types). */
export interface ConversationSummary {
  id: string;
  title: string;
  provider: string;
  model: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConversationMessage {
  id: string;
  role: 'system' | 'user' | 'assistant';
  content: string;
  provider: string | null;
  model: string | null;
  keySource: 'personal' | 'global' | null;
  inputTokens: number | null;
  outputTokens: number | null;
  createdAt: string;
}

export interface ConversationDetail extends ConversationSummary {
  messages: ConversationMessage[];
}

/** Events of the message stream (text/event-stream, one JSON object per `data:` line). */
export type ConversationStreamEvent =
  | { type: 'delta'; text: string }
  | {
      type: 'done';
      source: 'personal' | 'global';
      usage: { inputTokens: number; outputTokens: number };
      userMessage: ConversationMessage;
      assistantMessage: ConversationMessage;
      conversation: ConversationSummary;
    }
  | { type: 'error'; code: ErrorCode; message: string };
