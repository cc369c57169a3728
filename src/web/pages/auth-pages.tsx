// Sign in and sign up (better-auth's email + password endpoints), with their errors in words.
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import { Field } from '../components/field.tsx';
import { LanguageSwitcher } from '../components/language-switcher.tsx';
import { Notice } from '../components/notice.tsx';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { useSession } from '../session.tsx';

export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  useDocumentTitle(title);
  return (
    <div className="auth-page">
      <header className="auth-header">
        <span className="brand">
          <img src="/favicon.svg" alt="" width="32" height="32" />
          <span>{t('app.name')}</span>
        </span>
        <LanguageSwitcher />
      </header>
      <main id="main" className="auth-card">
        <h1>{title}</h1>
        <p className="muted">{t('app.tagline')}</p>
        {children}
      </main>
    </div>
  );
}

function useAuthSubmit(action: () => Promise<unknown>) {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
      await refresh();
      const from = (location.state as { from?: string } | null)?.from;
      navigate(from && from !== '/sign-in' && from !== '/sign-up' ? from : '/', { replace: true });
    } catch (caught) {
      setError(errorMessage(t, caught) || t('auth.errors.generic'));
      setBusy(false);
    }
  };
  return { submit, error, busy };
}

export function SignInPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { submit, error, busy } = useAuthSubmit(() => api.signIn({ email: email.trim(), password }));
  return (
    <AuthFrame title={t('auth.signInTitle')}>
      <form onSubmit={submit} className="form-stack" noValidate>
        {error && <Notice kind="error">{error}</Notice>}
        <Field label={t('auth.email')}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label={t('auth.password')}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('auth.working') : t('auth.signIn')}
        </button>
      </form>
      <p className="auth-switch">
        <Link to="/forgot-password">{t('accounts.forgotLink')}</Link>
      </p>
      <p className="auth-switch">
        {t('auth.noAccount')} <Link to="/sign-up">{t('auth.createOne')}</Link>
      </p>
    </AuthFrame>
  );
}

export function SignUpPage() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { submit, error, busy } = useAuthSubmit(() =>
    api.signUp({ name: name.trim() || email.split('@')[0] || email, email: email.trim(), password }),
  );
  return (
    <AuthFrame title={t('auth.signUpTitle')}>
      <form onSubmit={submit} className="form-stack" noValidate>
        {error && <Notice kind="error">{error}</Notice>}
        <Field label={t('auth.name')}>
          {(control) => (
            <input
              {...control}
              autoComplete="name"
              required
              maxLength={200}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          )}
        </Field>
        <Field label={t('auth.email')}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label={t('auth.password')} hint={t('auth.passwordHint')}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('auth.working') : t('auth.signUp')}
        </button>
        <p className="field-hint">{t('auth.firstAccountNote')}</p>
      </form>
      <p className="auth-switch">
        {t('auth.haveAccount')} <Link to="/sign-in">{t('auth.signInLink')}</Link>
      </p>
    </AuthFrame>
  );
}
