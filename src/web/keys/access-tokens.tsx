// Access tokens for the OpenAI-compatible API: create (name, optional expiry, optional requests per
// minute under the owner's), shown once with a copy button, listed, revoked. A server without
// /api/tokens yet shows a short notice instead.
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AccessToken, CreatedAccessToken } from '../api/types.ts';
import { type Column, DataTable } from '../components/data-table.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useFormat } from '../format.ts';
import { parsePerMinute } from '../limits/budget-form.ts';

type Message = { kind: 'error' | 'success'; text: string; field?: 'name' | 'requestsPerMinute' };

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
  const [message, setMessage] = useState<Message | null>(null);
  const messageId = `${id}-message`;
  const errorFor = (field: Message['field']) => (message?.field === field ? messageId : null);

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
      setMessage({ kind: 'error', text: t('profile.tokens.nameRequired'), field: 'name' });
      return;
    }
    const requestsPerMinute = parsePerMinute(perMinute);
    if (Number.isNaN(requestsPerMinute)) {
      setMessage({ kind: 'error', text: t('profile.tokens.invalidRequestsPerMinute'), field: 'requestsPerMinute' });
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

  const columns: Column<AccessToken>[] = [
    { key: 'name', header: t('profile.tokens.name'), cell: (token) => token.name },
    { key: 'prefix', header: t('profile.tokens.prefix'), cell: (token) => <code>{token.prefix}…</code> },
    { key: 'created', header: t('profile.tokens.created'), cell: (token) => format.date(token.createdAt) },
    {
      key: 'lastUsed',
      header: t('profile.tokens.lastUsed'),
      cell: (token) => (token.lastUsedAt ? format.dateTime(token.lastUsedAt) : t('common.never')),
    },
    {
      key: 'expires',
      header: t('profile.tokens.expires'),
      cell: (token) => (token.expiresAt ? format.date(token.expiresAt) : t('common.never')),
    },
    {
      key: 'rpm',
      header: t('profile.tokens.rpm'),
      cell: (token) =>
        token.requestsPerMinute ? format.number(token.requestsPerMinute) : t('profile.tokens.ownerLimit'),
    },
    {
      key: 'actions',
      header: t('admin.actions'),
      hiddenHeader: true,
      cell: (token) => (
        <button type="button" className="button button-small button-danger-outline" onClick={() => revoke(token)}>
          {t('profile.tokens.revoke')}
        </button>
      ),
    },
  ];

  return (
    <section className="card" aria-labelledby="tokens-title" data-testid="access-tokens">
      <h2 id="tokens-title">{t('profile.tokens.title')}</h2>
      <p className="muted">{t('profile.tokens.intro')}</p>
      {unavailable ? (
        <Notice kind="info">{t('profile.tokens.unavailable')}</Notice>
      ) : (
        <>
          <form className="token-form" onSubmit={create}>
            <Field label={t('profile.tokens.name')} errorId={errorFor('name')}>
              {(control) => (
                <input {...control} value={name} maxLength={100} onChange={(event) => setName(event.target.value)} />
              )}
            </Field>
            <Field label={t('profile.tokens.expiresAt')}>
              {(control) => (
                <input
                  {...control}
                  type="date"
                  value={expiresOn}
                  min={new Date().toISOString().slice(0, 10)}
                  onChange={(event) => setExpiresOn(event.target.value)}
                />
              )}
            </Field>
            {/* Its hint sits under the form's row, where it does not push this field out of line. */}
            <Field
              label={t('profile.tokens.requestsPerMinute')}
              describedBy={`${id}-rpm-hint`}
              errorId={errorFor('requestsPerMinute')}
            >
              {(control) => (
                <input
                  {...control}
                  type="number"
                  min={1}
                  step={1}
                  inputMode="numeric"
                  value={perMinute}
                  onChange={(event) => setPerMinute(event.target.value)}
                />
              )}
            </Field>
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
              <Field className="key-form-row" label={t('profile.tokens.tokenLabel')} hiddenLabel>
                {(control) => (
                  <>
                    <input {...control} readOnly value={created.token} onFocus={(event) => event.target.select()} />
                    <button type="button" className="button" onClick={copy}>
                      {copied ? t('common.copied') : t('common.copy')}
                    </button>
                  </>
                )}
              </Field>
            </div>
          )}
          {message && (
            <Notice kind={message.kind} id={messageId}>
              {message.text}
            </Notice>
          )}
          {tokens && (
            <DataTable
              caption={t('profile.tokens.title')}
              columns={columns}
              rows={tokens}
              rowKey={(token) => token.id}
              empty={t('profile.tokens.none')}
            />
          )}
        </>
      )}
    </section>
  );
}
