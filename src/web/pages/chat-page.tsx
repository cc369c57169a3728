// The chat: saved conversations on the side, the open one in the middle, the model picker on top
// and the composer below. Answers stream in; the stop button aborts the request. Under the
// composer, what is left of the budget the chosen model's key counts against.
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { ConversationMessage, ConversationSummary, KeySource } from '../api/types.ts';
import { ConversationList } from '../components/conversation-list.tsx';
import { MarkdownMessage } from '../components/markdown-message.tsx';
import { defaultChoice, type ModelChoice, ModelPicker } from '../components/model-picker.tsx';
import { Notice } from '../components/notice.tsx';
import { providerName, sourceOf, useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { useFormat } from '../format.ts';
import { BudgetNotice, BudgetRemaining } from '../limits/budget-lines.tsx';
import { tightestLine } from '../limits/budget-state.ts';
import { useLimits } from '../limits/use-limits.ts';

const LAST_CHOICE_KEY = 'webox.lastModel';

interface PendingTurn {
  question: string;
  answer: string;
  stopped: boolean;
}

function rememberChoice(choice: ModelChoice) {
  try {
    localStorage.setItem(LAST_CHOICE_KEY, JSON.stringify(choice));
  } catch {
    // Nothing to remember with: the default applies next time.
  }
}

function rememberedChoice(): ModelChoice | null {
  try {
    const value = JSON.parse(localStorage.getItem(LAST_CHOICE_KEY) ?? 'null') as ModelChoice | null;
    return value && typeof value.provider === 'string' && typeof value.model === 'string' ? value : null;
  } catch {
    return null;
  }
}

export function ChatPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const { conversationId } = useParams();
  const { catalog, error: catalogError } = useCatalog();
  const { limits, reload: reloadLimits } = useLimits();
  const composerId = useId();

  const [conversations, setConversations] = useState<ConversationSummary[] | null>(null);
  const [current, setCurrent] = useState<ConversationSummary | null>(null);
  const [messages, setMessages] = useState<ConversationMessage[]>([]);
  const [choice, setChoice] = useState<ModelChoice | null>(null);
  const [input, setInput] = useState('');
  const [pending, setPending] = useState<PendingTurn | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const abortRef = useRef<AbortController | null>(null);
  /** The conversation send() created, until the address shows it. */
  const createdRef = useRef<string | null>(null);
  const endRef = useRef<HTMLDivElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);

  useDocumentTitle(current?.title || t('nav.chat'));
  const nameOf = useCallback((provider: string) => providerName(catalog, provider), [catalog]);

  const loadList = useCallback(async () => {
    try {
      setConversations((await api.conversations()).conversations);
    } catch (caught) {
      setError(errorMessage(t, caught));
    }
  }, [t]);

  useEffect(() => {
    void loadList();
  }, [loadList]);

  // Open the conversation named in the address (unless it is the one just created here).
  useEffect(() => {
    if (!conversationId) {
      // send() just created this conversation and the address has not caught up yet (navigation
      // renders as a transition, after send's own updates): resetting it here would lose it, and
      // reloading it when the address arrives would clear the answer's error.
      if (createdRef.current !== null && current?.id === createdRef.current) return;
      setCurrent(null);
      setMessages([]);
      return;
    }
    if (createdRef.current === conversationId) createdRef.current = null;
    if (current?.id === conversationId) return;
    let cancelled = false;
    setError(null);
    api
      .conversation(conversationId)
      .then((detail) => {
        if (cancelled) return;
        const { messages: loaded, ...summary } = detail;
        setCurrent(summary);
        setMessages(loaded);
        setChoice({ provider: detail.provider, model: detail.model });
      })
      .catch((caught) => {
        if (cancelled) return;
        setCurrent(null);
        setMessages([]);
        setError(
          caught instanceof ApiError && caught.code === 'not_found'
            ? t('chat.conversationNotFound')
            : errorMessage(t, caught),
        );
      });
    return () => {
      cancelled = true;
    };
  }, [conversationId, current?.id, t]);

  // A new conversation starts on the last model used, or the first one that would run.
  useEffect(() => {
    if (!catalog || conversationId || choice) return;
    setChoice(rememberedChoice() ?? defaultChoice(catalog));
  }, [catalog, conversationId, choice]);

  // Follow the conversation as it grows (new messages, streamed text).
  const messageCount = messages.length;
  const streamedLength = pending?.answer.length ?? 0;
  useEffect(() => {
    if (messageCount + streamedLength >= 0) endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [messageCount, streamedLength]);

  // Leaving the page stops an answer in progress.
  useEffect(() => () => abortRef.current?.abort(), []);

  const changeChoice = (next: ModelChoice) => {
    setChoice(next);
    rememberChoice(next);
    if (current) {
      api
        .updateConversation(current.id, next)
        .then((updated) => setCurrent(updated))
        .catch((caught) => setError(errorMessage(t, caught, nameOf)));
    }
  };

  const newConversation = () => {
    abortRef.current?.abort();
    createdRef.current = null;
    setCurrent(null);
    setMessages([]);
    setError(null);
    setSidebarOpen(false);
    navigate('/');
    composerRef.current?.focus();
  };

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const question = input.trim();
    if (!question || !choice || pending) return;
    setError(null);
    setPending({ question, answer: '', stopped: false });
    setInput('');
    const controller = new AbortController();
    abortRef.current = controller;
    let conversation = current;
    let answer = '';
    let finished = false;
    try {
      if (!conversation) {
        conversation = await api.createConversation(choice);
        createdRef.current = conversation.id;
        setCurrent(conversation);
        setConversations((list) => [conversation as ConversationSummary, ...(list ?? [])]);
        navigate(`/c/${conversation.id}`, { replace: true });
      }
      for await (const streamEvent of api.sendMessage(
        conversation.id,
        { content: question, provider: choice.provider, model: choice.model },
        controller.signal,
      )) {
        if (streamEvent.type === 'delta') {
          answer += streamEvent.text;
          setPending({ question, answer, stopped: false });
        } else if (streamEvent.type === 'done') {
          setMessages((list) => [...list, streamEvent.userMessage, streamEvent.assistantMessage]);
          setCurrent(streamEvent.conversation);
          setConversations((list) => [
            streamEvent.conversation,
            ...(list ?? []).filter((item) => item.id !== streamEvent.conversation.id),
          ]);
          setPending(null);
          finished = true;
        } else {
          setError(
            errorMessage(
              t,
              { code: streamEvent.code, message: streamEvent.message, provider: choice.provider },
              nameOf,
            ),
          );
        }
      }
      if (!finished) {
        // Stopped, or failed midway: the server kept the part that was shown. Show the saved
        // conversation (after a stop, give the server a moment to write it).
        if (controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 400));
        await reloadConversation(conversation.id);
        // Nothing of the answer arrived, so nothing was saved: the question can be sent again.
        if (answer === '') setInput(question);
      }
    } catch (caught) {
      // Nothing was saved: put the question back so it can be sent again.
      setPending(null);
      setInput(question);
      setError(errorMessage(t, caught, nameOf));
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
      // What the answer cost (or a refusal's cause) shows in the budget line.
      void reloadLimits();
    }
  };

  const reloadConversation = async (id: string) => {
    try {
      const detail = await api.conversation(id);
      const { messages: loaded, ...summary } = detail;
      setCurrent(summary);
      setMessages(loaded);
      setPending(null);
      void loadList();
    } catch {
      // Keep what is on screen.
    }
  };

  const stop = () => {
    abortRef.current?.abort();
    setPending((turn) => (turn ? { ...turn, stopped: true } : turn));
  };

  const onComposerKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  const sourceLabel = (source: KeySource | null) => (source ? t(`chat.source.${source}`) : '');
  const modelName = (provider: string | null, model: string | null) => {
    const found = catalog?.providers.find((item) => item.id === provider)?.models.find((item) => item.id === model);
    return found?.name ?? model ?? '';
  };
  const source = catalog && choice ? sourceOf(catalog, choice.provider) : 'none';
  const unavailable = source === 'none';
  // Only the budgets of the key this model runs on: another source's limit does not stop it.
  const budgetLines = source === 'none' ? [] : (limits?.budgets ?? []).filter((line) => line.source === source);
  const budgetLine = source === 'none' ? null : tightestLine(budgetLines, source);

  return (
    <div className={`chat-page ${sidebarOpen ? 'sidebar-open' : ''}`}>
      <aside
        className="chat-sidebar"
        aria-label={t('chat.sidebarTitle')}
        id="conversation-sidebar"
        onKeyDown={(event) => {
          if (event.key === 'Escape') setSidebarOpen(false);
        }}
      >
        <div className="sidebar-top">
          <button type="button" className="button button-primary new-conversation" onClick={newConversation}>
            + {t('chat.newConversation')}
          </button>
          <button type="button" className="button button-ghost sidebar-close" onClick={() => setSidebarOpen(false)}>
            {t('common.close')}
          </button>
        </div>
        <ConversationList
          conversations={conversations}
          currentId={current?.id ?? null}
          onOpen={() => setSidebarOpen(false)}
          onRenamed={(updated) => {
            setConversations((list) => (list ?? []).map((item) => (item.id === updated.id ? updated : item)));
            if (current?.id === updated.id) setCurrent(updated);
          }}
          onDeleted={(id) => {
            setConversations((list) => (list ?? []).filter((item) => item.id !== id));
            if (current?.id === id) newConversation();
          }}
          onError={(caught) => setError(errorMessage(t, caught, nameOf))}
        />
      </aside>

      <section className="chat-main" aria-labelledby="chat-title">
        <div className="chat-header">
          <button
            type="button"
            className="button button-ghost sidebar-toggle"
            aria-expanded={sidebarOpen}
            aria-controls="conversation-sidebar"
            onClick={() => setSidebarOpen((open) => !open)}
          >
            ☰ <span>{t('chat.toggleSidebar')}</span>
          </button>
          <h1 id="chat-title" className="chat-title">
            {current?.title || t('chat.untitled')}
          </h1>
          {catalog && (
            <ModelPicker catalog={catalog} value={choice} onChange={changeChoice} disabled={pending !== null} />
          )}
        </div>
        {catalogError !== null && <Notice kind="error">{errorMessage(t, catalogError)}</Notice>}

        <div className="messages" aria-live="polite" aria-busy={pending !== null}>
          {messages.length === 0 && !pending && (
            <div className="empty-chat">
              <h2>{t('chat.emptyTitle')}</h2>
              <p className="muted">{t('chat.emptyHint')}</p>
            </div>
          )}
          {messages.map((message) => (
            <article
              key={message.id}
              className={`message message-${message.role}`}
              data-testid={`message-${message.role}`}
            >
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

        {error && <Notice kind="error">{error}</Notice>}
        <BudgetNotice lines={budgetLines} />

        <form className="composer" onSubmit={send}>
          <label htmlFor={composerId} className="visually-hidden">
            {t('chat.messageLabel')}
          </label>
          <textarea
            id={composerId}
            ref={composerRef}
            value={input}
            rows={3}
            placeholder={t('chat.placeholder')}
            onChange={(event) => setInput(event.target.value)}
            onKeyDown={onComposerKey}
          />
          {pending && !pending.stopped ? (
            <button type="button" className="button button-danger" onClick={stop}>
              ■ {t('chat.stop')}
            </button>
          ) : (
            <button type="submit" className="button button-primary" disabled={!input.trim() || unavailable}>
              {t('chat.send')}
            </button>
          )}
        </form>
        {budgetLine && <BudgetRemaining line={budgetLine} />}
      </section>
    </div>
  );
}
