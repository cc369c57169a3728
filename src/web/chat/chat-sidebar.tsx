// The chat's side panel: a new conversation, and the saved ones. On small screens it slides over
// the chat; Escape or the close button puts it away.
import { useTranslation } from 'react-i18next';
import type { ConversationSummary } from '../api/types.ts';
import { ConversationList } from './conversation-list.tsx';

export const SIDEBAR_ID = 'conversation-sidebar';

export function ChatSidebar({
  conversations,
  currentId,
  onNew,
  onClose,
  onRenamed,
  onDeleted,
  onError,
}: {
  conversations: ConversationSummary[] | null;
  currentId: string | null;
  onNew(): void;
  onClose(): void;
  onRenamed(conversation: ConversationSummary): void;
  onDeleted(id: string): void;
  onError(error: unknown): void;
}) {
  const { t } = useTranslation();
  return (
    <aside
      className="chat-sidebar"
      aria-label={t('chat.sidebarTitle')}
      id={SIDEBAR_ID}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <div className="sidebar-top">
        <button type="button" className="button button-primary new-conversation" onClick={onNew}>
          + {t('chat.newConversation')}
        </button>
        <button type="button" className="button button-ghost sidebar-close" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <ConversationList
        conversations={conversations}
        currentId={currentId}
        onOpen={onClose}
        onRenamed={onRenamed}
        onDeleted={onDeleted}
        onError={onError}
      />
    </aside>
  );
}
