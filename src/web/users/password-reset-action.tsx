// Admin › Users: reset one account's password, either to a password the admin types, or with a
// link (e-mailed when WeBox can send e-mail, else shown here to pass on). Either way the user is
// signed out everywhere.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminPasswordReset, AdminUser } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';

export function PasswordResetAction({ users }: { users: AdminUser[] }) {
  const { t, i18n } = useTranslation();
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<AdminPasswordReset | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const locale = i18n.language.startsWith('en') ? 'en' : 'fr';

  const reset = async (withPassword: boolean) => {
    if (!userId) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.adminPasswordReset(userId, withPassword ? { password, locale } : { locale }));
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
    <section className="card" aria-labelledby="password-reset-title">
      <h2 id="password-reset-title">{t('accounts.adminResetTitle')}</h2>
      <p className="muted">{t('accounts.adminResetIntro')}</p>
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
      <form onSubmit={submit} className="form-stack" noValidate>
        <Field label={t('accounts.adminResetUser')}>
          {(control) => (
            <select {...control} value={userId} onChange={(event) => setUserId(event.target.value)}>
              <option value="">{t('accounts.adminResetChoose')}</option>
              {users.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.name} ({user.email})
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" className="button" disabled={busy || !userId} onClick={() => void reset(false)}>
          {t('accounts.adminResetSendLink')}
        </button>
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
        <button type="submit" className="button button-primary" disabled={busy || !userId || password.length < 8}>
          {t('accounts.adminResetSetPassword')}
        </button>
      </form>
    </section>
  );
}
