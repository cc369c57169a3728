// Admin › Users' panels under the table, one account at a time: rename it, or delete it after
// saying what goes with it (its keys, tokens, conversations and usage rows, counted by the server).
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AccountImpact, AdminUser } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';

export function RenameUserPanel({
  user,
  onRename,
  onCancel,
}: {
  user: AdminUser;
  onRename: (name: string) => Promise<boolean>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(user.name);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const done = await onRename(name.trim());
    setBusy(false);
    if (done) onCancel();
  };

  return (
    <form className="user-panel" aria-labelledby={`${id}-title`} onSubmit={submit}>
      <h2 id={`${id}-title`}>{t('admin.renameFor', { name: user.name })}</h2>
      <Field label={t('admin.newName')}>
        {(control) => (
          <input {...control} required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || name.trim() === ''}>
          {t('admin.rename')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function DeleteUserPanel({
  user,
  onDelete,
  onCancel,
}: {
  user: AdminUser;
  onDelete: () => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [impact, setImpact] = useState<AccountImpact | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    api.userImpact(user.id).then(
      (answer) => current && setImpact(answer),
      (error: unknown) => current && setFailure(errorMessage(t, error)),
    );
    return () => {
      current = false;
    };
  }, [user.id, t]);

  const confirm = async () => {
    setBusy(true);
    await onDelete();
    setBusy(false);
  };

  return (
    <section className="user-panel" aria-labelledby={`${id}-title`} data-testid="delete-user-panel">
      <h2 id={`${id}-title`}>{t('admin.deleteTitle', { name: user.name })}</h2>
      {failure && <Notice kind="error">{failure}</Notice>}
      {impact === null && !failure && <p role="status">{t('app.loading')}</p>}
      {impact && (
        <>
          <p>
            {t('admin.deleteImpact', {
              keys: t('admin.keysCount', { count: impact.personalKeys }),
              tokens: t('admin.tokensCount', { count: impact.accessTokens }),
              conversations: t('admin.conversationsCount', { count: impact.conversations }),
              usage: t('admin.usageCount', { count: impact.usageRows }),
            })}
          </p>
          <p className="muted">{t('admin.deleteUsage')}</p>
          {impact.group && <p>{t('admin.deleteGroup', { name: impact.group.name })}</p>}
        </>
      )}
      <div className="form-actions">
        <button type="button" className="button button-danger" disabled={!impact || busy} onClick={confirm}>
          {t('admin.deleteConfirm')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </section>
  );
}
