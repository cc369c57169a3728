// The chat: saved conversations on the side, the open one in the middle, the model picker on top
// and the composer below. The conversation's state and streaming are chat/use-conversation.ts;
// here they are laid out (a refusal of the shared keys with its link to subscribe), with, under the composer, what is left of the budget the chosen model's
// key counts against.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { errorMessage } from '../api/error-messages.ts';
import { planCoverage } from '../billing/plan-coverage.ts';
import { SubscribeLink } from '../billing/subscribe-link.tsx';
import { useBilling } from '../billing/use-billing.ts';
import { ChatSidebar, SIDEBAR_ID } from '../chat/chat-sidebar.tsx';
import { Composer } from '../chat/composer.tsx';
import { MessageList } from '../chat/message-list.tsx';
import { ModelPicker } from '../chat/model-picker.tsx';
import { useConversation } from '../chat/use-conversation.ts';
import { Notice } from '../components/notice.tsx';
import { sourceOf, useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { BudgetNotice, BudgetRemaining } from '../limits/budget-lines.tsx';
import { useLimits } from '../limits/use-limits.ts';
import { useSession } from '../session.tsx';

export function ChatPage() {
  const { t } = useTranslation();
  const { conversationId } = useParams();
  const { catalog, error: catalogError } = useCatalog();
  const { limits, reload: reloadLimits } = useLimits();
  const { user } = useSession();
  // Marks only: the chat works the same when billing cannot be read.
  const { billing, plans } = useBilling();
  const coverage = planCoverage(billing, plans, user?.role === 'admin');
  const chat = useConversation({ conversationId, catalog, onAnswered: () => void reloadLimits() });
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  useDocumentTitle(chat.current?.title || t('nav.chat'));

  // A new conversation is written at once: close the panel and put the cursor in the composer.
  const readyForNew = () => {
    setSidebarOpen(false);
    composerRef.current?.focus();
  };
  const newConversation = () => {
    chat.startNew();
    readyForNew();
  };

  const source = catalog && chat.choice ? sourceOf(catalog, chat.choice.provider) : 'none';
  // Only the budgets of the key this model runs on: another source's limit does not stop it.
  const budgetLines = source === 'none' ? [] : (limits?.budgets ?? []).filter((line) => line.source === source);
  // What is left: the server's one figure for this key source (the same a refusal gives).
  const budgetLine = source === 'none' ? null : (limits?.left[source] ?? null);
  const suggestion = chat.errorSuggestion;

  return (
    <div className={`chat-page ${sidebarOpen ? 'sidebar-open' : ''}`}>
      <ChatSidebar
        conversations={chat.conversations}
        currentId={chat.current?.id ?? null}
        onNew={newConversation}
        onClose={() => setSidebarOpen(false)}
        onRenamed={chat.renamed}
        onDeleted={(id) => {
          if (chat.deleted(id)) readyForNew();
        }}
        onError={chat.reportError}
      />

      <section className="chat-main" aria-labelledby="chat-title">
        <div className="chat-header">
          <button
            type="button"
            className="button button-ghost sidebar-toggle"
            aria-expanded={sidebarOpen}
            aria-controls={SIDEBAR_ID}
            onClick={() => setSidebarOpen((open) => !open)}
          >
            ☰ <span>{t('chat.toggleSidebar')}</span>
          </button>
          <h1 id="chat-title" className="chat-title">
            {chat.current?.title || t('chat.untitled')}
          </h1>
          {catalog && (
            <ModelPicker
              catalog={catalog}
              value={chat.choice}
              onChange={chat.changeChoice}
              disabled={chat.pending !== null}
              coverage={coverage}
            />
          )}
        </div>
        {catalogError !== null && <Notice kind="error">{errorMessage(t, catalogError)}</Notice>}

        <MessageList messages={chat.messages} pending={chat.pending} catalog={catalog} capped={chat.capped} />

        {chat.error && (
          <Notice kind="error">
            {chat.error} {chat.errorLink && <SubscribeLink href={chat.errorLink} />}
            {suggestion && (
              <button
                type="button"
                className="button button-small"
                data-testid="switch-to-suggestion"
                disabled={chat.pending !== null}
                onClick={() => chat.changeChoice({ provider: suggestion.provider, model: suggestion.model })}
              >
                {t('chat.switchTo', { model: suggestion.name })}
              </button>
            )}
          </Notice>
        )}
        <BudgetNotice lines={budgetLines} />

        <Composer
          value={chat.draft}
          onChange={chat.setDraft}
          onSend={() => void chat.send()}
          onStop={chat.stop}
          streaming={chat.pending !== null && !chat.pending.stopped}
          unavailable={source === 'none'}
          textareaRef={composerRef}
        />
        {budgetLine && <BudgetRemaining line={budgetLine} />}
      </section>
    </div>
  );
}
