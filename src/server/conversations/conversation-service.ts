// Saved web-chat conversations: each belongs to one user, remembers its provider and model, and
// holds its messages in order. Another user's conversation is "not found", never "forbidden".
import { and, asc, desc, eq } from 'drizzle-orm';
import type { ConversationMessage, ConversationSummary } from '../../shared/conversations.ts';
import { toSafeLabel } from '../../shared/text.ts';
import type { Database } from '../db/client.ts';
import { conversation, conversationMessage } from '../db/schema/conversations.ts';
import { checkModelId } from '../providers/model-id-format.ts';
import { requireProvider } from '../vault/vault-service.ts';
import { conversationErrors } from './conversation-errors.ts';

/** Characters of the first message that name an untitled conversation. */
const TITLE_FROM_MESSAGE_LENGTH = 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type ConversationRow = typeof conversation.$inferSelect;
type MessageRow = typeof conversationMessage.$inferSelect;

function toSummary(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    title: row.title,
    provider: row.provider,
    model: row.model,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toMessage(row: MessageRow): ConversationMessage {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    provider: row.provider,
    model: row.model,
    keySource: row.keySource,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * A title from the first user message: one line, whole words where possible, without what a typed
 * title may not hold (a message may carry bidi marks; a cut must not split a surrogate pair).
 */
export function titleFromMessage(content: string): string {
  const line = toSafeLabel(content.replace(/\s+/g, ' ').trim(), content.length, '');
  if (line.length <= TITLE_FROM_MESSAGE_LENGTH) return line;
  const cut = toSafeLabel(line, TITLE_FROM_MESSAGE_LENGTH, '');
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > 20 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

export function createConversationService(options: { db: Database }) {
  const { db } = options;

  /** The user's own conversation row, or 404 (malformed ids and other users' included). */
  async function ownRow(userId: string, id: string): Promise<ConversationRow> {
    if (!UUID.test(id)) throw conversationErrors.notFound();
    const [row] = await db
      .select()
      .from(conversation)
      .where(and(eq(conversation.id, id), eq(conversation.userId, userId)));
    if (!row) throw conversationErrors.notFound();
    return row;
  }

  async function messagesOf(conversationId: string): Promise<MessageRow[]> {
    return db
      .select()
      .from(conversationMessage)
      .where(eq(conversationMessage.conversationId, conversationId))
      .orderBy(asc(conversationMessage.createdAt), asc(conversationMessage.id));
  }

  return {
    async list(userId: string): Promise<ConversationSummary[]> {
      const rows = await db
        .select()
        .from(conversation)
        .where(eq(conversation.userId, userId))
        .orderBy(desc(conversation.updatedAt));
      return rows.map(toSummary);
    },

    async create(userId: string, input: { title?: string; provider: string; model: string }) {
      const provider = requireProvider(input.provider);
      checkModelId(provider, input.model);
      const [row] = await db
        .insert(conversation)
        .values({ userId, title: input.title ?? '', provider: provider.id, model: input.model })
        .returning();
      if (!row) throw new Error('conversation insert returned nothing');
      return toSummary(row);
    },

    async get(userId: string, id: string) {
      const row = await ownRow(userId, id);
      return { ...toSummary(row), messages: (await messagesOf(row.id)).map(toMessage) };
    },

    async update(userId: string, id: string, change: { title?: string; provider?: string; model?: string }) {
      const current = await ownRow(userId, id);
      const provider = change.provider === undefined ? undefined : requireProvider(change.provider).id;
      // The pair it will hold must still make sense (a Groq id is not a Gemini id).
      if (change.provider !== undefined || change.model !== undefined) {
        checkModelId(requireProvider(provider ?? current.provider), change.model ?? current.model);
      }
      const [row] = await db
        .update(conversation)
        .set({
          ...(change.title === undefined ? {} : { title: change.title }),
          ...(provider === undefined ? {} : { provider }),
          ...(change.model === undefined ? {} : { model: change.model }),
          updatedAt: new Date(),
        })
        .where(and(eq(conversation.id, id), eq(conversation.userId, userId)))
        .returning();
      if (!row) throw conversationErrors.notFound();
      return toSummary(row);
    },

    async remove(userId: string, id: string) {
      await ownRow(userId, id);
      await db.delete(conversation).where(and(eq(conversation.id, id), eq(conversation.userId, userId)));
    },

    /**
     * Prepares a new turn: checks ownership and the provider, and returns the history the
     * provider must see (every saved message, then the new one). Nothing is written yet: a turn
     * that fails before the provider answers leaves the conversation as it was.
     */
    async prepareTurn(userId: string, id: string, input: { content: string; provider?: string; model?: string }) {
      const row = await ownRow(userId, id);
      const spec = requireProvider(input.provider ?? row.provider);
      const provider = spec.id;
      // Rows saved before ids were checked are held to the format too.
      const model = checkModelId(spec, input.model ?? row.model);
      const history = (await messagesOf(row.id)).map((message) => ({ role: message.role, content: message.content }));
      return {
        conversation: row,
        provider,
        model,
        messages: [...history, { role: 'user' as const, content: input.content }],
      };
    },

    /**
     * Saves a turn once the provider has answered (fully, or partly when the stream was stopped
     * or failed midway: the text the user saw is kept). The conversation moves to the top of the
     * list, takes the turn's provider and model, and an untitled one is named after its first
     * message.
     */
    async saveTurn(turn: {
      conversation: ConversationRow;
      provider: string;
      model: string;
      userContent: string;
      answer: string;
      source: 'personal' | 'global';
      usage?: { inputTokens: number; outputTokens: number };
    }) {
      const userAt = new Date();
      // The answer is stamped after the question, even within the same millisecond.
      const answerAt = new Date(userAt.getTime() + 1);
      return db.transaction(async (tx) => {
        const [userMessage] = await tx
          .insert(conversationMessage)
          .values({ conversationId: turn.conversation.id, role: 'user', content: turn.userContent, createdAt: userAt })
          .returning();
        const [assistantMessage] = await tx
          .insert(conversationMessage)
          .values({
            conversationId: turn.conversation.id,
            role: 'assistant',
            // The provider's text may hold a NUL (PostgreSQL cannot store one): the paid answer is kept.
            content: turn.answer.replaceAll('\u0000', '\ufffd'),
            provider: turn.provider,
            model: turn.model,
            keySource: turn.source,
            inputTokens: turn.usage?.inputTokens ?? null,
            outputTokens: turn.usage?.outputTokens ?? null,
            createdAt: answerAt,
          })
          .returning();
        const [updated] = await tx
          .update(conversation)
          .set({
            provider: turn.provider,
            model: turn.model,
            updatedAt: answerAt,
            ...(turn.conversation.title === '' ? { title: titleFromMessage(turn.userContent) } : {}),
          })
          .where(eq(conversation.id, turn.conversation.id))
          .returning();
        if (!userMessage || !assistantMessage || !updated) throw new Error('saving the turn returned nothing');
        return {
          userMessage: toMessage(userMessage),
          assistantMessage: toMessage(assistantMessage),
          conversation: toSummary(updated),
        };
      });
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
