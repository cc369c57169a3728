// The pages a signed-out visitor reaches from a link or the sign-in page: "mot de passe oublié",
// the reset page of an e-mailed or admin-made link, and an invitation's page. Tokens sit in the
// URL's fragment (never sent to a server, so never in a log) and are read from there.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { PublicInvitation } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';
import { useSession } from '../session.tsx';
import { EmailField, NameField, PasswordField, SubmitButton, useSubmit } from './account-fields.tsx';
import { AuthFrame } from './auth-pages.tsx';

const tokenFromHash = () => window.location.hash.replace(/^#/, '');

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { submit, error, busy } = useSubmit(async () => {
    await api.requestPasswordReset(email.trim());
    setSent(true);
  });
  return (
    <AuthFrame title={t('accounts.forgotTitle')}>
      {sent ? (
        <Notice kind="success">{t('accounts.forgotSent')}</Notice>
      ) : (
        <form onSubmit={submit} className="form-stack" noValidate>
          {error && <Notice kind="error">{error}</Notice>}
          <p>{t('accounts.forgotIntro')}</p>
          <EmailField value={email} onChange={setEmail} />
          <SubmitButton busy={busy} label={t('accounts.forgotSubmit')} />
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
  const { submit, error, busy } = useSubmit(async () => {
    await api.resetPassword(token, password);
    setDone(true);
  });
  return (
    <AuthFrame title={t('accounts.resetTitle')}>
      {done ? (
        <Notice kind="success">{t('accounts.resetDone')}</Notice>
      ) : !token ? (
        <Notice kind="error">{t('auth.errors.invalidResetLink')}</Notice>
      ) : (
        <form onSubmit={submit} className="form-stack" noValidate>
          {error && <Notice kind="error">{error}</Notice>}
          <PasswordField purpose="new" label={t('accounts.newPassword')} value={password} onChange={setPassword} />
          <SubmitButton busy={busy} label={t('accounts.resetSubmit')} />
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
  const { submit, error, setError, busy } = useSubmit(async () => {
    await api.acceptInvitation(token, { name: name.trim(), password });
    await refresh();
    navigate('/', { replace: true });
  });

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
  }, [token, t, setError]);

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
          <EmailField value={invitation.email} readOnly />
          <NameField value={name} onChange={setName} />
          <PasswordField purpose="new" value={password} onChange={setPassword} />
          <SubmitButton busy={busy} label={t('accounts.invitationSubmit')} />
        </form>
      )}
    </AuthFrame>
  );
}
