// Admin › Sign-in ("Connexion"): single sign-on with an OpenID Connect provider (issuer, client id,
// write-only secret, button name), "SSO only", and "require two-factor for admins". When the
// environment sets the provider (WEBOX_OIDC_*), the page says so and its OIDC fields are read-only.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { SsoSettingsBody, SsoSettingsView } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useDocumentTitle } from '../components/use-document-title.ts';

export function AdminSsoPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('adminSso.title'));
  const [settings, setSettings] = useState<SsoSettingsView | null>(null);
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [name, setName] = useState('');
  const [ssoOnly, setSsoOnly] = useState(false);
  const [requireAdminTwoFactor, setRequireAdminTwoFactor] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const show = useCallback((view: SsoSettingsView) => {
    setSettings(view);
    setIssuer(view.issuer ?? '');
    setClientId(view.clientId ?? '');
    setClientSecret('');
    setName(view.name ?? '');
    setSsoOnly(view.ssoOnly);
    setRequireAdminTwoFactor(view.requireAdminTwoFactor);
  }, []);

  useEffect(() => {
    api
      .ssoSettings()
      .then(show)
      .catch((error) => setMessage({ kind: 'error', text: errorMessage(t, error) }));
  }, [t, show]);

  if (!settings) {
    return (
      <div className="page admin-page">
        <h1>{t('adminSso.title')}</h1>
        {message ? <Notice kind={message.kind}>{message.text}</Notice> : <p role="status">{t('app.loading')}</p>}
      </div>
    );
  }
  const fromEnvironment = settings.source === 'environment';

  const save = async (body: SsoSettingsBody) => {
    setBusy(true);
    setMessage(null);
    try {
      show(await api.saveSsoSettings(body));
      setMessage({ kind: 'success', text: t('adminSso.saved') });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: SsoSettingsBody = { ssoOnly, requireAdminTwoFactor };
    if (!fromEnvironment) {
      body.issuer = issuer.trim() || null;
      body.clientId = clientId.trim() || null;
      body.name = name.trim() || null;
      // Left empty, the stored secret is kept.
      if (clientSecret !== '') body.clientSecret = clientSecret;
    }
    void save(body);
  };

  const turnOff = () => void save({ issuer: null, clientId: null, clientSecret: null, name: null, ssoOnly: false });

  return (
    <div className="page admin-page">
      <h1>{t('adminSso.title')}</h1>
      <p className="muted">{t('adminSso.intro')}</p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {fromEnvironment && <Notice kind="info">{t('adminSso.fromEnvironment')}</Notice>}
      <form onSubmit={submit} className="form-stack card">
        <h2>{t('adminSso.providerTitle')}</h2>
        <p>
          {settings.configured ? t('adminSso.statusOn') : t('adminSso.statusOff')} {t('adminSso.callback')}{' '}
          <code>{settings.callbackUrl}</code>
        </p>
        <Field label={t('adminSso.issuer')} hint={t('adminSso.issuerHint')}>
          {(control) => (
            <input
              {...control}
              type="url"
              maxLength={2000}
              readOnly={fromEnvironment}
              value={issuer}
              onChange={(event) => setIssuer(event.target.value)}
            />
          )}
        </Field>
        <Field label={t('adminSso.clientId')}>
          {(control) => (
            <input
              {...control}
              maxLength={500}
              readOnly={fromEnvironment}
              value={clientId}
              onChange={(event) => setClientId(event.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('adminSso.clientSecret')}
          hint={
            settings.clientSecretSet
              ? t('adminSso.secretSet', { mask: settings.clientSecretMask })
              : t('adminSso.secretUnset')
          }
        >
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="off"
              maxLength={2000}
              readOnly={fromEnvironment}
              value={clientSecret}
              onChange={(event) => setClientSecret(event.target.value)}
            />
          )}
        </Field>
        <Field label={t('adminSso.name')} hint={t('adminSso.nameHint')}>
          {(control) => (
            <input
              {...control}
              maxLength={60}
              readOnly={fromEnvironment}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          )}
        </Field>
        <h2>{t('adminSso.rulesTitle')}</h2>
        <label className="checkbox">
          <input type="checkbox" checked={ssoOnly} onChange={(event) => setSsoOnly(event.target.checked)} />
          <span>{t('adminSso.ssoOnly')}</span>
        </label>
        <p className="field-hint">{t('adminSso.ssoOnlyHint')}</p>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={requireAdminTwoFactor}
            onChange={(event) => setRequireAdminTwoFactor(event.target.checked)}
          />
          <span>{t('adminSso.requireAdminTwoFactor')}</span>
        </label>
        <p className="field-hint">{t('adminSso.requireAdminTwoFactorHint')}</p>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('common.save')}
          </button>
          {!fromEnvironment && settings.configured && (
            <button type="button" className="button button-danger" disabled={busy} onClick={turnOff}>
              {t('adminSso.turnOff')}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
