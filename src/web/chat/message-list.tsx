// The open conversation: each message with who wrote it, and for answers the model, the key they
// ran on and their tokens; then the turn in progress as it streams in. Follows the conversation
// as it grows.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationMessage, KeySource } from '../api/types.ts';
import type { Catalog } from '../components/use-catalog.ts';
import { useFormat } from '../format.ts';
import { MarkdownMessage } from './markdown-message.tsx';
import type { PendingTurn } from './use-conversation.ts';

/** The note under an answer whose output WeBox limited to fit the budget left. */
export function CappedNote({ outputTokens }: { outputTokens: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <p className="capped-note muted small" data-testid="capped-note">
      {t('chat.cappedByBudget', { tokens: format.number(outputTokens) })}
    </p>
  );
}

export function MessageList({
  messages,
  pending,
  catalog,
  capped = {},
}: {
  messages: ConversationMessage[];
  pending: PendingTurn | null;
  catalog: Catalog | null;
  /** Answers (by message id) whose output was limited to fit the budget, and to how many tokens. */
  capped?: Readonly<Record<string, number>>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const endRef = useRef<HTMLDivElement>(null);

  // Follow the conversation as it grows (new messages, streamed text).
  const messageCount = messages.length;
  const streamedLength = pending?.answer.length ?? 0;
  useEffect(() => {
    if (messageCount + streamedLength >= 0) endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [messageCount, streamedLength]);

  const sourceLabel = (source: KeySource | null) => (source ? t(`chat.source.${source}`) : '');
  const modelName = (provider: string | null, model: string | null) => {
    const found = catalog?.providers.find((item) => item.id === provider)?.models.find((item) => item.id === model);
    return found?.name ?? model ?? '';
  };

  return (
    <div className="messages" aria-live="polite" aria-busy={pending !== null}>
      {messages.length === 0 && !pending && (
        <div className="empty-chat">
          <h2>{t('chat.emptyTitle')}</h2>
          <p className="muted">{t('chat.emptyHint')}</p>
        </div>
      )}
      {messages.map((message) => (
        <article key={message.id} className={`message message-${message.role}`} data-testid={`message-${message.role}`}>
          <header className="message-meta">
            <strong>{message.role === 'user' ? t('chat.you') : t('chat.assistant')}</strong>
            {message.role === 'assistant' && (
              <span className="muted">
                {t('chat.answeredWith', {
                  model: modelName(message.provider, message.model),
                  source: sourceLabel(message.keySource),
                })}
                {message.outputTokens !== null &&
                  ` · ${t('chat.tokens', {
                    input: format.number(message.inputTokens ?? 0),
                    output: format.number(message.outputTokens),
                  })}`}
              </span>
            )}
            <time className="muted" dateTime={message.createdAt}>
              {format.dateTime(message.createdAt)}
            </time>
          </header>
          {message.role === 'assistant' ? (
            <MarkdownMessage text={message.content} />
          ) : (
            <p className="user-text">{message.content}</p>
          )}
          {message.role === 'assistant' && capped[message.id] !== undefined && (
            <CappedNote outputTokens={capped[message.id] as number} />
          )}
        </article>
      ))}
      {pending && (
        <>
          <article className="message message-user" data-testid="message-user">
            <header className="message-meta">
              <strong>{t('chat.you')}</strong>
            </header>
            <p className="user-text">{pending.question}</p>
          </article>
          <article className="message message-assistant" data-testid="message-assistant-pending">
            <header className="message-meta">
              <strong>{t('chat.assistant')}</strong>
              <span className="muted">{pending.stopped ? t('chat.stopped') : t('chat.thinking')}</span>
            </header>
            {pending.answer ? (
              <MarkdownMessage text={pending.answer} />
            ) : (
              <span className="typing" aria-hidden="true" />
            )}
          </article>
        </>
      )}
      <div ref={endRef} />
    </div>
  );
}
