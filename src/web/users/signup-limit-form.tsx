// The admin's per-address sign-up limit (a class registering from one school address). Accepted
// invitations never count against it; failed sign-ins stay throttled whatever it says.
import { type FormEvent, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { announceFirstRunChange, useFirstRunChanges } from '../first-run/admin-notices.tsx';

export function SignupLimitForm({ current }: { current: number }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(String(current));
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const parsed = Number.parseInt(value, 10);
    try {
      const saved = await api.saveAccountSettings({ signupsPerAddressPerMinute: Number.isNaN(parsed) ? null : parsed });
      setValue(String(saved.signupsPerAddressPerMinute));
      setMessage({ kind: 'success', text: t('accounts.signupLimitSaved') });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  return (
    <section className="card" aria-labelledby="signup-limit-title">
      <h2 id="signup-limit-title">{t('accounts.signupLimitTitle')}</h2>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <form onSubmit={submit} className="form-stack" noValidate>
        <Field label={t('accounts.signupLimit')} hint={t('accounts.signupLimitHint')}>
          {(control) => (
            <input
              {...control}
              type="number"
              min={1}
              max={10000}
              value={value}
              onChange={(event) => setValue(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button">
          {t('accounts.signupLimitSave')}
        </button>
      </form>
    </section>
  );
}

/**
 * Whether anyone who reaches WeBox may make an account. Closed, only admins make accounts and
 * invitations still work; the admin's choice replaces WEBOX_SIGNUP.
 */
export function SignupSwitch({
  current,
  onSaved,
}: {
  current: 'open' | 'closed';
  onSaved?(mode: 'open' | 'closed'): void;
}) {
  const { t } = useTranslation();
  const [mode, setMode] = useState(current);
  const [busy, setBusy] = useState(false);
  // The banner above the page closes sign-up too.
  useFirstRunChanges(
    useCallback(() => {
      api.accountSettings().then(
        (settings) => setMode(settings.signup),
        () => {},
      );
    }, []),
  );
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  const save = async (next: 'open' | 'closed') => {
    setBusy(true);
    setMessage(null);
    try {
      const saved = await api.saveAccountSettings({ signup: next });
      setMode(saved.signup);
      setMessage({
        kind: 'success',
        text: t(saved.signup === 'closed' ? 'accounts.signupClosedNow' : 'accounts.signupOpenNow'),
      });
      onSaved?.(saved.signup);
      announceFirstRunChange();
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section id="signup" className="card" aria-labelledby="signup-mode-title" data-testid="signup-switch">
      <h2 id="signup-mode-title">{t('accounts.signupTitle')}</h2>
      <p data-testid="signup-state">{t(mode === 'closed' ? 'accounts.signupIsClosed' : 'accounts.signupIsOpen')}</p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={() => save(mode === 'closed' ? 'open' : 'closed')}
      >
        {t(mode === 'closed' ? 'accounts.openSignup' : 'accounts.closeSignup')}
      </button>
    </section>
  );
}
