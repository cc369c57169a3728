// Profile › Two-factor: set-up (password, QR code and otpauth URI, confirmation with a code,
// recovery codes shown once) and removal with the password.
import QRCode from 'qrcode';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useSession } from '../session.tsx';

interface Setup {
  totpURI: string;
  backupCodes: string[];
  qr: string | null;
}

/** The otpauth URI as an SVG QR code, in a data URL for an <img>. */
async function qrDataUrl(uri: string) {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function TwoFactorSection({ required }: { required: boolean }) {
  const { t } = useTranslation();
  const { user, refresh } = useSession();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [setup, setSetup] = useState<Setup | null>(null);
  const [codesToKeep, setCodesToKeep] = useState<string[] | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!setup || setup.qr) return;
    let live = true;
    qrDataUrl(setup.totpURI)
      .then((qr) => live && setSetup((current) => (current ? { ...current, qr } : current)))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [setup]);

  if (!user) return null;

  const run = async (event: FormEvent, work: () => Promise<void>) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      await work();
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setBusy(false);
    }
  };

  const start = (event: FormEvent) =>
    run(event, async () => {
      const answer = await api.enableTwoFactor(password || undefined);
      setSetup({ ...answer, qr: null });
      setPassword('');
    });

  const confirm = (event: FormEvent) =>
    run(event, async () => {
      await api.verifyTotp(code.replace(/\s+/g, ''));
      setCodesToKeep(setup?.backupCodes ?? null);
      setSetup(null);
      setCode('');
      await refresh();
      setMessage({ kind: 'success', text: t('twoFactor.enabled') });
    });

  const disable = (event: FormEvent) =>
    run(event, async () => {
      await api.disableTwoFactor(password || undefined);
      setPassword('');
      setCodesToKeep(null);
      await refresh();
      setMessage({ kind: 'success', text: t('twoFactor.disabled') });
    });

  const passwordField = (
    <Field label={t('auth.password')} hint={t('twoFactor.passwordHint')}>
      {(control) => (
        <input
          {...control}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      )}
    </Field>
  );

  return (
    <section className="card" aria-labelledby="two-factor-title" id="two-factor">
      <h2 id="two-factor-title">{t('twoFactor.title')}</h2>
      {required && !user.twoFactorEnabled && <Notice kind="warning">{t('twoFactor.requiredNotice')}</Notice>}
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <p>{user.twoFactorEnabled ? t('twoFactor.statusOn') : t('twoFactor.statusOff')}</p>

      {codesToKeep && (
        <div className="recovery-codes">
          <h3>{t('twoFactor.recoveryTitle')}</h3>
          <p>{t('twoFactor.recoveryIntro')}</p>
          <ul className="code-list" aria-label={t('twoFactor.recoveryTitle')}>
            {codesToKeep.map((value) => (
              <li key={value}>
                <code>{value}</code>
              </li>
            ))}
          </ul>
          <button type="button" className="button" onClick={() => setCodesToKeep(null)}>
            {t('twoFactor.recoveryDone')}
          </button>
        </div>
      )}

      {!user.twoFactorEnabled && !setup && (
        <form onSubmit={start} className="form-stack">
          {passwordField}
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('twoFactor.start')}
          </button>
        </form>
      )}

      {setup && (
        <form onSubmit={confirm} className="form-stack">
          <p>{t('twoFactor.scan')}</p>
          {setup.qr ? (
            <img className="qr-code" src={setup.qr} width={200} height={200} alt={t('twoFactor.qrAlt')} />
          ) : (
            <p role="status">{t('app.loading')}</p>
          )}
          <details>
            <summary>{t('twoFactor.manual')}</summary>
            <code className="otpauth-uri" data-testid="otpauth-uri">
              {setup.totpURI}
            </code>
          </details>
          <Field label={t('auth.twoFactor.code')}>
            {(control) => (
              <input
                {...control}
                autoComplete="one-time-code"
                inputMode="numeric"
                maxLength={8}
                required
                value={code}
                onChange={(event) => setCode(event.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('twoFactor.confirm')}
          </button>
        </form>
      )}

      {user.twoFactorEnabled && !codesToKeep && (
        <form onSubmit={disable} className="form-stack">
          {passwordField}
          <button type="submit" className="button button-danger" disabled={busy}>
            {t('twoFactor.disable')}
          </button>
        </form>
      )}
    </section>
  );
}
