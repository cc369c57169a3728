// The saved conversations, newest first: open, rename in place, delete after a confirmation.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { api } from '../api/client.ts';
import type { ConversationSummary } from '../api/types.ts';
import { useFormat } from '../format.ts';

export function ConversationList({
  conversations,
  currentId,
  onOpen,
  onRenamed,
  onDeleted,
  onError,
}: {
  conversations: ConversationSummary[] | null;
  currentId: string | null;
  onOpen(): void;
  onRenamed(conversation: ConversationSummary): void;
  onDeleted(id: string): void;
  onError(error: unknown): void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);

  if (conversations === null) return <p className="muted sidebar-note">{t('app.loading')}</p>;
  if (conversations.length === 0) return <p className="muted sidebar-note">{t('chat.noConversations')}</p>;

  const submitRename = async (event: FormEvent, conversation: ConversationSummary) => {
    event.preventDefault();
    const title = draft.trim();
    setRenaming(null);
    if (!title || title === conversation.title) return;
    try {
      onRenamed(await api.updateConversation(conversation.id, { title }));
    } catch (error) {
      onError(error);
    }
  };

  const remove = async (id: string) => {
    setConfirming(null);
    try {
      await api.deleteConversation(id);
      onDeleted(id);
    } catch (error) {
      onError(error);
    }
  };

  return (
    <ul className="conversation-list">
      {conversations.map((conversation) => {
        const title = conversation.title || t('chat.untitled');
        return (
          <li key={conversation.id} className={conversation.id === currentId ? 'current' : ''}>
            {renaming === conversation.id ? (
              <form onSubmit={(event) => submitRename(event, conversation)} className="rename-form">
                <input
                  aria-label={t('chat.renameLabel', { title })}
                  value={draft}
                  maxLength={200}
                  // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to rename
                  autoFocus
                  onChange={(event) => setDraft(event.target.value)}
                  onKeyDown={(event) => {
                    if (event.key === 'Escape') setRenaming(null);
                  }}
                />
                <button type="submit" className="button button-small">
                  {t('common.save')}
                </button>
                <button type="button" className="button button-small button-ghost" onClick={() => setRenaming(null)}>
                  {t('common.cancel')}
                </button>
              </form>
            ) : confirming === conversation.id ? (
              <fieldset className="confirm-delete" aria-label={t('chat.confirmDelete', { title })}>
                <span>{t('chat.confirmDelete', { title })}</span>
                <button
                  type="button"
                  className="button button-small button-danger"
                  onClick={() => remove(conversation.id)}
                >
                  {t('common.delete')}
                </button>
                <button type="button" className="button button-small button-ghost" onClick={() => setConfirming(null)}>
                  {t('common.cancel')}
                </button>
              </fieldset>
            ) : (
              <>
                <NavLink to={`/c/${conversation.id}`} className="conversation-link" onClick={onOpen}>
                  <span className="conversation-title">{title}</span>
                  <time className="muted" dateTime={conversation.updatedAt}>
                    {format.date(conversation.updatedAt)}
                  </time>
                </NavLink>
                <fieldset className="conversation-actions" aria-label={t('chat.actionsFor', { title })}>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`${t('chat.rename')} — ${title}`}
                    title={t('chat.rename')}
                    onClick={() => {
                      setDraft(conversation.title);
                      setRenaming(conversation.id);
                    }}
                  >
                    ✎
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`${t('chat.delete')} — ${title}`}
                    title={t('chat.delete')}
                    onClick={() => setConfirming(conversation.id)}
                  >
                    ✕
                  </button>
                </fieldset>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
