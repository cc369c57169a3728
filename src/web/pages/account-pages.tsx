// The pages a signed-out visitor reaches from a link or the sign-in page: "mot de passe oublié",
// the reset page of an e-mailed or admin-made link, and an invitation's page. Tokens sit in the
// URL's fragment (never sent to a server, so never in a log) and are read from there.
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { PublicInvitation } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useSession } from '../session.tsx';
import { AuthFrame } from './auth-pages.tsx';

const tokenFromHash = () => window.location.hash.replace(/^#/, '');

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.requestPasswordReset(email.trim());
      setSent(true);
    } catch (caught) {
      setError(errorMessage(t, caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame title={t('accounts.forgotTitle')}>
      {sent ? (
        <Notice kind="success">{t('accounts.forgotSent')}</Notice>
      ) : (
        <form onSubmit={submit} className="form-stack" noValidate>
          {error && <Notice kind="error">{error}</Notice>}
          <p>{t('accounts.forgotIntro')}</p>
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
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('auth.working') : t('accounts.forgotSubmit')}
          </button>
        </form>
      )}
      <p className="auth-switch">
        <Link to="/sign-in">{t('accounts.backToSignIn')}</Link>
      </p>
    </AuthFrame>
  );
}

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [token] = useState(tokenFromHash);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.resetPassword(token, password);
      setDone(true);
    } catch (caught) {
      setError(errorMessage(t, caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame title={t('accounts.resetTitle')}>
      {done ? (
        <Notice kind="success">{t('accounts.resetDone')}</Notice>
      ) : !token ? (
        <Notice kind="error">{t('auth.errors.invalidResetLink')}</Notice>
      ) : (
        <form onSubmit={submit} className="form-stack" noValidate>
          {error && <Notice kind="error">{error}</Notice>}
          <Field label={t('accounts.newPassword')} hint={t('auth.passwordHint')}>
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
            {busy ? t('auth.working') : t('accounts.resetSubmit')}
          </button>
        </form>
      )}
      <p className="auth-switch">
        <Link to="/sign-in">{t('accounts.backToSignIn')}</Link>
      </p>
    </AuthFrame>
  );
}

export function InvitationPage() {
  const { t, i18n } = useTranslation();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [token] = useState(tokenFromHash);
  const [invitation, setInvitation] = useState<PublicInvitation | null | undefined>(undefined);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!token) {
      setInvitation(null);
      return;
    }
    api.invitation(token).then(
      (found) => {
        setInvitation(found);
        setName(found.name ?? '');
      },
      (caught: unknown) => {
        setInvitation(null);
        setError(errorMessage(t, caught));
      },
    );
  }, [token, t]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.acceptInvitation(token, { name: name.trim(), password });
      await refresh();
      navigate('/', { replace: true });
    } catch (caught) {
      setError(errorMessage(t, caught));
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={t('accounts.invitationTitle')}>
      {invitation === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : invitation === null ? (
        <Notice kind="error">{error ?? t('errors.invitation_invalid')}</Notice>
      ) : (
        <form onSubmit={submit} className="form-stack" noValidate>
          {error && <Notice kind="error">{error}</Notice>}
          <p>
            {t('accounts.invitationIntro', {
              until: new Date(invitation.expiresAt).toLocaleString(i18n.language, {
                dateStyle: 'long',
                timeStyle: 'short',
              }),
            })}
          </p>
          <Field label={t('auth.email')}>
            {(control) => <input {...control} type="email" value={invitation.email} readOnly />}
          </Field>
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
            {busy ? t('auth.working') : t('accounts.invitationSubmit')}
          </button>
        </form>
      )}
    </AuthFrame>
  );
}
