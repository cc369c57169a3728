// The chat's state and what changes it: the saved conversations, the open one and its messages,
// the model chosen, the draft, and the answer being streamed (with its stop). The page and its
// components only show it. Errors are kept as sentences in the reader's language.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError, api } from '../api/client.ts';
import { errorMessage, type ModelSuggestion, subscribeLinkOf, suggestionOf } from '../api/error-messages.ts';
import type { ConversationMessage, ConversationSummary } from '../api/types.ts';
import { type Catalog, providerName } from '../components/use-catalog.ts';
import { defaultChoice, isListed, type ModelChoice } from './model-picker.tsx';
import { rememberChoice, rememberedChoice } from './remembered-choice.ts';

/** The question sent and the answer as it streams in, until the saved messages replace them. */
export interface PendingTurn {
  question: string;
  answer: string;
  stopped: boolean;
}

/** After a stop, how long the server is given to save the part of the answer that was shown. */
const SAVE_AFTER_STOP_MS = 400;

export function useConversation({
  conversationId,
  catalog,
  onAnswered,
}: {
  /** The conversation named in the address; none for a new one. */
  conversationId: string | undefined;
  catalog: Catalog | null;
  /** After every answer, finished or not: what it cost (or a refusal's cause) shows in the budget line. */
  onAnswered?: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [conversations, setConversations] = useState<ConversationSummary[] | null>(null);
  const [current, setCurrent] = useState<ConversationSummary | null>(null);
  const [messages, setMessages] = useState<ConversationMessage[]>([]);
  const [choice, setChoice] = useState<ModelChoice | null>(null);
  const [draft, setDraft] = useState('');
  const [pending, setPending] = useState<PendingTurn | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Where to subscribe, for the refusal of the shared keys whose sentence it is (any other error
  // that replaces that sentence leaves the link behind).
  const [subscribe, setSubscribe] = useState<{ error: string; url: string } | null>(null);
  // A refusal for money: the cheapest model that would fit, offered beside its sentence.
  const [suggestion, setSuggestion] = useState<{ error: string; choice: ModelSuggestion } | null>(null);
  // Answers limited to fit the budget, by message id: the note under each (this session's).
  const [capped, setCapped] = useState<Record<string, number>>({});
  const abortRef = useRef<AbortController | null>(null);
  /** The conversation send() created, until the address shows it. */
  const createdRef = useRef<string | null>(null);

  const nameOf = useCallback((provider: string) => providerName(catalog, provider), [catalog]);
  const reportError = (caught: unknown) => {
    const text = errorMessage(t, caught, nameOf);
    const url = subscribeLinkOf(caught);
    const suggested = suggestionOf(caught);
    setError(text);
    setSubscribe(url ? { error: text, url } : null);
    setSuggestion(suggested ? { error: text, choice: suggested } : null);
  };

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

  // A new conversation starts on the last model used while it is still listed, else on the
  // server's default (the operator's, or the cheapest that runs), else the first that would run.
  useEffect(() => {
    if (!catalog || conversationId || choice) return;
    const remembered = rememberedChoice();
    setChoice(remembered && isListed(catalog, remembered) ? remembered : defaultChoice(catalog));
  }, [catalog, conversationId, choice]);

  // Leaving the page stops an answer in progress.
  useEffect(() => () => abortRef.current?.abort(), []);

  const changeChoice = (next: ModelChoice) => {
    setChoice(next);
    rememberChoice(next);
    if (current) {
      api
        .updateConversation(current.id, next)
        .then((updated) => setCurrent(updated))
        .catch(reportError);
    }
  };

  /** Leaves the open conversation (stopping its answer) for a new, empty one. */
  const startNew = () => {
    abortRef.current?.abort();
    createdRef.current = null;
    setCurrent(null);
    setMessages([]);
    setError(null);
    navigate('/');
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

  /** Sends the draft, creating the conversation first when it is new, and streams the answer in. */
  const send = async () => {
    const question = draft.trim();
    if (!question || !choice || pending) return;
    setError(null);
    setPending({ question, answer: '', stopped: false });
    setDraft('');
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
      for await (const event of api.sendMessage(
        conversation.id,
        { content: question, provider: choice.provider, model: choice.model },
        controller.signal,
      )) {
        if (event.type === 'delta') {
          answer += event.text;
          setPending({ question, answer, stopped: false });
        } else if (event.type === 'done') {
          setMessages((list) => [...list, event.userMessage, event.assistantMessage]);
          const cap = event.capped?.outputTokens;
          if (cap !== undefined) setCapped((notes) => ({ ...notes, [event.assistantMessage.id]: cap }));
          setCurrent(event.conversation);
          setConversations((list) => [
            event.conversation,
            ...(list ?? []).filter((item) => item.id !== event.conversation.id),
          ]);
          setPending(null);
          finished = true;
        } else {
          reportError({ code: event.code, message: event.message, provider: choice.provider });
        }
      }
      if (!finished) {
        // Stopped, or failed midway: the server kept the part that was shown. Show the saved
        // conversation (after a stop, give the server a moment to write it).
        if (controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, SAVE_AFTER_STOP_MS));
        await reloadConversation(conversation.id);
        // Nothing of the answer arrived, so nothing was saved: the question can be sent again.
        if (answer === '') setDraft(question);
      }
    } catch (caught) {
      // Nothing was saved: put the question back so it can be sent again.
      setPending(null);
      setDraft(question);
      reportError(caught);
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
      onAnswered?.();
    }
  };

  const stop = () => {
    abortRef.current?.abort();
    setPending((turn) => (turn ? { ...turn, stopped: true } : turn));
  };

  /** A conversation renamed in the list. */
  const renamed = (updated: ConversationSummary) => {
    setConversations((list) => (list ?? []).map((item) => (item.id === updated.id ? updated : item)));
    if (current?.id === updated.id) setCurrent(updated);
  };

  /** A conversation deleted from the list; true when it was the open one, which is left for a new one. */
  const deleted = (id: string) => {
    setConversations((list) => (list ?? []).filter((item) => item.id !== id));
    if (current?.id !== id) return false;
    startNew();
    return true;
  };

  return {
    conversations,
    current,
    messages,
    choice,
    changeChoice,
    draft,
    setDraft,
    pending,
    error,
    /** With a refusal of the shared keys: the address to subscribe at. */
    errorLink: subscribe && subscribe.error === error ? subscribe.url : null,
    /** With a refusal for money: the cheapest model that would fit what is left. */
    errorSuggestion: suggestion && suggestion.error === error ? suggestion.choice : null,
    /** Answers limited to fit the budget (message id → output tokens). */
    capped,
    reportError,
    send,
    stop,
    startNew,
    renamed,
    deleted,
  };
}
