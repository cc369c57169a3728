// Admin › Users' password-reset panel, opened from one account's row: a reset link (e-mailed when
// WeBox can send e-mail, else shown here to pass on), or a password the admin types. Either way
// the user is signed out everywhere.
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminPasswordReset, AdminUser } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';

export function PasswordResetPanel({ user, onCancel }: { user: AdminUser; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [emailEnabled, setEmailEnabled] = useState<boolean | null>(null);
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<AdminPasswordReset | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const locale = i18n.language.startsWith('en') ? 'en' : 'fr';

  useEffect(() => {
    let current = true;
    api.accountSettings().then(
      (settings) => current && setEmailEnabled(settings.emailEnabled),
      // Unknown: the button says "a link", and the answer says whether it was e-mailed.
      () => current && setEmailEnabled(null),
    );
    return () => {
      current = false;
    };
  }, []);

  const reset = async (withPassword: boolean) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.adminPasswordReset(user.id, withPassword ? { password, locale } : { locale }));
      setPassword('');
    } catch (caught) {
      setError(errorMessage(t, caught));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void reset(true);
  };

  return (
    <section className="user-panel" aria-labelledby={`${id}-title`} data-testid="password-reset-panel">
      <h2 id={`${id}-title`}>{t('accounts.adminResetFor', { name: user.name })}</h2>
      <p className="muted">
        {t('accounts.adminResetIntro')}{' '}
        {emailEnabled === false ? t('accounts.adminResetNoEmail', { email: user.email }) : null}
        {emailEnabled === true ? t('accounts.adminResetByEmail', { email: user.email }) : null}
      </p>
      {error && <Notice kind="error">{error}</Notice>}
      {result && (
        <Notice kind="success" testId="password-reset-result">
          {result.passwordSet
            ? t('accounts.adminResetPasswordSet')
            : result.emailed
              ? t('accounts.adminResetEmailed')
              : t('accounts.adminResetLink')}
          {result.url && <code className="invitation-url">{result.url}</code>}
        </Notice>
      )}
      <div className="form-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void reset(false)}>
          {emailEnabled === false ? t('accounts.adminResetMakeLink') : t('accounts.adminResetSendLink')}
        </button>
      </div>
      <form onSubmit={submit} className="form-stack" noValidate>
        <Field label={t('accounts.newPassword')} hint={t('auth.passwordHint')}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              minLength={8}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy || password.length < 8}>
            {t('accounts.adminResetSetPassword')}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            {t('common.close')}
          </button>
        </div>
      </form>
    </section>
  );
}
