// Access tokens for the OpenAI-compatible API: create (name, optional expiry, optional requests per
// minute under the owner's), shown once with a copy button, listed, revoked. A server without /api/tokens yet shows a short notice instead.
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AccessToken, CreatedAccessToken } from '../api/types.ts';
import { useFormat } from '../format.ts';
import { parsePerMinute } from '../limits/budget-form.ts';
import { Notice } from './notice.tsx';

export function AccessTokens() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const [tokens, setTokens] = useState<AccessToken[] | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [name, setName] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [perMinute, setPerMinute] = useState('');
  const [created, setCreated] = useState<CreatedAccessToken | null>(null);
  const [copied, setCopied] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setTokens((await api.tokens()).tokens);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setUnavailable(true);
      else setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    if (!name.trim()) {
      setMessage({ kind: 'error', text: t('profile.tokens.nameRequired') });
      return;
    }
    const requestsPerMinute = parsePerMinute(perMinute);
    if (Number.isNaN(requestsPerMinute)) {
      setMessage({ kind: 'error', text: t('profile.tokens.invalidRequestsPerMinute') });
      return;
    }
    try {
      // The chosen day, to its end in the user's time zone.
      const expiresAt = expiresOn ? new Date(`${expiresOn}T23:59:59`).toISOString() : undefined;
      const token = await api.createToken({
        name: name.trim(),
        ...(expiresAt ? { expiresAt } : {}),
        ...(requestsPerMinute === null ? {} : { requestsPerMinute }),
      });
      setCreated(token);
      setCopied(false);
      setName('');
      setExpiresOn('');
      setPerMinute('');
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  const revoke = async (token: AccessToken) => {
    setMessage(null);
    try {
      await api.revokeToken(token.id);
      setMessage({ kind: 'success', text: t('profile.tokens.revoked', { name: token.name }) });
      if (created?.id === token.id) setCreated(null);
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch {
      // No clipboard permission: the field is selectable.
    }
  };

  return (
    <section className="card" aria-labelledby="tokens-title" data-testid="access-tokens">
      <h2 id="tokens-title">{t('profile.tokens.title')}</h2>
      <p className="muted">{t('profile.tokens.intro')}</p>
      {unavailable ? (
        <Notice kind="info">{t('profile.tokens.unavailable')}</Notice>
      ) : (
        <>
          <form className="token-form" onSubmit={create}>
            <div className="field">
              <label htmlFor={`${id}-name`}>{t('profile.tokens.name')}</label>
              <input id={`${id}-name`} value={name} maxLength={100} onChange={(event) => setName(event.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-expires`}>{t('profile.tokens.expiresAt')}</label>
              <input
                id={`${id}-expires`}
                type="date"
                value={expiresOn}
                min={new Date().toISOString().slice(0, 10)}
                onChange={(event) => setExpiresOn(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-rpm`}>{t('profile.tokens.requestsPerMinute')}</label>
              <input
                id={`${id}-rpm`}
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                value={perMinute}
                aria-describedby={`${id}-rpm-hint`}
                onChange={(event) => setPerMinute(event.target.value)}
              />
            </div>
            <button type="submit" className="button button-primary">
              {t('profile.tokens.create')}
            </button>
          </form>
          <p id={`${id}-rpm-hint`} className="field-hint">
            {t('profile.tokens.requestsPerMinuteHint')}
          </p>
          {created && (
            <div className="created-token" role="status">
              <p>
                <strong>{t('profile.tokens.createdOnce')}</strong>
              </p>
              <div className="key-form-row">
                <label htmlFor={`${id}-created`} className="visually-hidden">
                  {t('profile.tokens.tokenLabel')}
                </label>
                <input id={`${id}-created`} readOnly value={created.token} onFocus={(event) => event.target.select()} />
                <button type="button" className="button" onClick={copy}>
                  {copied ? t('common.copied') : t('common.copy')}
                </button>
              </div>
            </div>
          )}
          {message && <Notice kind={message.kind}>{message.text}</Notice>}
          {tokens && tokens.length === 0 && <p className="muted">{t('profile.tokens.none')}</p>}
          {tokens && tokens.length > 0 && (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('profile.tokens.name')}</th>
                    <th scope="col">{t('profile.tokens.prefix')}</th>
                    <th scope="col">{t('profile.tokens.created')}</th>
                    <th scope="col">{t('profile.tokens.lastUsed')}</th>
                    <th scope="col">{t('profile.tokens.expires')}</th>
                    <th scope="col">{t('profile.tokens.rpm')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('admin.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((token) => (
                    <tr key={token.id}>
                      <td>{token.name}</td>
                      <td>
                        <code>{token.prefix}…</code>
                      </td>
                      <td>{format.date(token.createdAt)}</td>
                      <td>{token.lastUsedAt ? format.dateTime(token.lastUsedAt) : t('common.never')}</td>
                      <td>{token.expiresAt ? format.date(token.expiresAt) : t('common.never')}</td>
                      <td>
                        {token.requestsPerMinute
                          ? format.number(token.requestsPerMinute)
                          : t('profile.tokens.ownerLimit')}
                      </td>
                      <td>
                        <button
                          type="button"
                          className="button button-small button-danger-outline"
                          onClick={() => revoke(token)}
                        >
                          {t('profile.tokens.revoke')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
