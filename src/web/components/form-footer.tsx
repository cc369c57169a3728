// The end of a settings form: what the last save said (an error is tied to the field it is about
// through `messageId`) and the save button, which says it is saving while the request runs.
import { useTranslation } from 'react-i18next';
import { Notice } from './notice.tsx';

export interface FormMessage {
  kind: 'error' | 'success' | 'warning' | 'info';
  text: string;
}

export function FormFooter({
  message,
  messageId,
  saving,
  label,
}: {
  message: FormMessage | null;
  messageId?: string;
  saving: boolean;
  label: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {message && (
        <Notice kind={message.kind} id={messageId}>
          {message.text}
        </Notice>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? t('common.saving') : label}
        </button>
      </div>
    </>
  );
}
