// Sign in and sign up (better-auth's email + password endpoints), with their errors in words; the
// single sign-on button when it is configured, and the second step (a TOTP or recovery code) for
// an account with two-factor.
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { isAuthErrorCode } from '../../shared/error-codes.ts';
import { ApiError, api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { SsoPublicView } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { LanguageSwitcher } from '../components/language-switcher.tsx';
import { Notice } from '../components/notice.tsx';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { useSession } from '../session.tsx';
import { EmailField, NameField, PasswordField, SubmitButton } from './account-fields.tsx';

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

/**
 * WEBOX_PUBLIC_URL's origin, from the server, when this page is open at another one: sign-in and
 * sign-up are refused there (better-auth's INVALID_ORIGIN), so the pages say it first.
 */
function useOriginMismatch() {
  const [expected, setExpected] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    api.info().then(
      (info) => {
        if (current && info.publicOrigin && info.publicOrigin !== window.location.origin) {
          setExpected(info.publicOrigin);
        }
      },
      () => {},
    );
    return () => {
      current = false;
    };
  }, []);
  return expected;
}

/** Says which address to open, before submitting (a warning) or after a refusal (an error). */
export function OriginNotice({ expected, refused }: { expected: string; refused: boolean }) {
  const { t } = useTranslation();
  const values = { current: window.location.origin, expected };
  const target = `${expected}${window.location.pathname}${window.location.search}`;
  return (
    <Notice kind={refused ? 'error' : 'warning'} testId="origin-notice">
      <strong>{t('auth.origin.title')}</strong> {t(refused ? 'auth.origin.refused' : 'auth.origin.mismatch', values)}{' '}
      <a href={target}>{t('auth.origin.open', { expected })}</a>
    </Notice>
  );
}

/** The form's error, or the wrong-origin notice when that is what refused it. */
function AuthError({ error, expected }: { error: AuthFailure | null; expected: string | null }) {
  if (!error) return expected ? <OriginNotice expected={expected} refused={false} /> : null;
  if (error.code === 'INVALID_ORIGIN') {
    return <OriginNotice expected={expected ?? error.expected ?? window.location.origin} refused />;
  }
  return (
    <>
      {expected && <OriginNotice expected={expected} refused={false} />}
      <Notice kind="error">{error.text}</Notice>
    </>
  );
}

interface AuthFailure {
  code: string;
  text: string;
  expected?: string;
}

/** What an action tells the form: signed in, or a second factor is asked first. */
type AuthOutcome = 'signed-in' | 'second-factor';

function useAuthSubmit(action: () => Promise<AuthOutcome | undefined>) {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<AuthFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if ((await action()) === 'second-factor') {
        setBusy(false);
        return;
      }
      const me = await refresh();
      // An admin held to set up two-factor goes to it first.
      if (me?.twoFactorRequired) {
        navigate('/profile', { replace: true, state: { twoFactorRequired: true } });
        return;
      }
      const from = (location.state as { from?: string } | null)?.from;
      navigate(from && from !== '/sign-in' && from !== '/sign-up' ? from : '/', { replace: true });
    } catch (caught) {
      const code = caught instanceof ApiError ? String(caught.code) : 'unknown';
      setError({ code, text: errorMessage(t, caught) || t('auth.errors.generic') });
      setBusy(false);
    }
  };
  return { submit, error, busy };
}

/** A failed single sign-on comes back with ?error=<code>: in words. */
function ssoErrorText(t: ReturnType<typeof useTranslation>['t'], code: string) {
  if (isAuthErrorCode(code)) return errorMessage(t, { code });
  if (code === 'account_not_linked' || code === 'unable_to_link_account') return t('auth.sso.notLinked');
  return t('auth.sso.failed');
}

function SsoButton({ sso }: { sso: SsoPublicView }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const { url } = await api.startSso(sso.providerId);
      window.location.assign(url);
    } catch (caught) {
      setError(errorMessage(t, caught) || t('auth.sso.failed'));
      setBusy(false);
    }
  };
  return (
    <div className="form-stack sso-block">
      {error && <Notice kind="error">{error}</Notice>}
      <button type="button" className="button button-primary" onClick={start} disabled={busy}>
        {busy ? t('auth.working') : t('auth.sso.button', { name: sso.name })}
      </button>
    </div>
  );
}

function SecondFactorForm() {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const { submit, error, busy } = useAuthSubmit(async () => {
    const value = code.trim();
    await (recovery ? api.verifyBackupCode(value) : api.verifyTotp(value.replace(/\s+/g, '')));
    return 'signed-in';
  });
  return (
    <form onSubmit={submit} className="form-stack" noValidate>
      <p>{recovery ? t('auth.twoFactor.recoveryIntro') : t('auth.twoFactor.intro')}</p>
      {error && <Notice kind="error">{error.text}</Notice>}
      <Field label={recovery ? t('auth.twoFactor.recoveryCode') : t('auth.twoFactor.code')}>
        {(control) => (
          <input
            {...control}
            // biome-ignore lint/a11y/noAutofocus: the one field of this step, reached by the user's own action
            autoFocus
            autoComplete="one-time-code"
            inputMode={recovery ? 'text' : 'numeric'}
            maxLength={recovery ? 64 : 8}
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        )}
      </Field>
      <SubmitButton busy={busy} label={t('auth.twoFactor.verify')} />
      <button
        type="button"
        className="button"
        onClick={() => {
          setRecovery(!recovery);
          setCode('');
        }}
      >
        {recovery ? t('auth.twoFactor.useApp') : t('auth.twoFactor.useRecovery')}
      </button>
    </form>
  );
}

export function SignInPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [secondFactor, setSecondFactor] = useState(false);
  const expected = useOriginMismatch();
  const [sso, setSso] = useState<SsoPublicView | null>(null);
  useEffect(() => {
    api
      .sso()
      .then(setSso)
      .catch(() => setSso(null));
  }, []);
  const ssoError = new URLSearchParams(location.search).get('error');
  const { submit, error, busy } = useAuthSubmit(async () => {
    const answer = (await api.signIn({ email: email.trim(), password })) as { twoFactorRedirect?: boolean } | null;
    if (answer?.twoFactorRedirect) {
      setSecondFactor(true);
      return 'second-factor';
    }
    return 'signed-in';
  });
  if (secondFactor) {
    return (
      <AuthFrame title={t('auth.twoFactor.title')}>
        <SecondFactorForm />
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={t('auth.signInTitle')}>
      {ssoError && <Notice kind="error">{ssoErrorText(t, ssoError.slice(0, 100))}</Notice>}
      {sso?.enabled && <SsoButton sso={sso} />}
      {sso?.enabled && <p className="auth-divider">{sso.ssoOnly ? t('auth.sso.adminOnly') : t('auth.sso.or')}</p>}
      <form onSubmit={submit} className="form-stack" noValidate>
        <AuthError error={error} expected={expected} />
        <EmailField value={email} onChange={setEmail} />
        <PasswordField purpose="current" value={password} onChange={setPassword} />
        <SubmitButton busy={busy} label={t('auth.signIn')} />
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
  const expected = useOriginMismatch();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { submit, error, busy } = useAuthSubmit(async () => {
    await api.signUp({ name: name.trim() || email.split('@')[0] || email, email: email.trim(), password });
    return 'signed-in';
  });
  return (
    <AuthFrame title={t('auth.signUpTitle')}>
      <form onSubmit={submit} className="form-stack" noValidate>
        <AuthError error={error} expected={expected} />
        <NameField value={name} onChange={setName} />
        <EmailField value={email} onChange={setEmail} />
        <PasswordField purpose="new" value={password} onChange={setPassword} />
        <SubmitButton busy={busy} label={t('auth.signUp')} />
        <p className="field-hint">{t('auth.firstAccountNote')}</p>
      </form>
      <p className="auth-switch">
        {t('auth.haveAccount')} <Link to="/sign-in">{t('auth.signInLink')}</Link>
      </p>
    </AuthFrame>
  );
}
