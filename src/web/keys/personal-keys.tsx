// The user's own keys, one row per provider: the mask, the source in use now, save / replace /
// delete. Saving asks the provider first; a key it refuses can still be saved unchecked, said so.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { ProviderInfo, UserKeyState } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { KeySourceBadge } from '../components/key-source-badge.tsx';
import { Notice } from '../components/notice.tsx';
import { useFormat } from '../format.ts';

type Message = { kind: 'error' | 'success'; text: string; invalid?: boolean; refused?: boolean };

/** Codes that say the key itself is wrong, rather than the request or the network. */
const KEY_REFUSED = new Set(['invalid_key_format', 'provider_rejected_key']);

function PersonalKeyRow({
  provider,
  state,
  onChanged,
}: {
  provider: ProviderInfo;
  state: UserKeyState | undefined;
  onChanged(): Promise<void> | void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const messageId = useId();
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const personal = state?.personal ?? null;
  const hint = t(`keyHints.${provider.id}`, { defaultValue: provider.keyHint });
  const nameOf = () => provider.name;

  const save = async (verify: boolean, event?: FormEvent) => {
    event?.preventDefault();
    if (!apiKey.trim()) {
      setMessage({ kind: 'error', text: t('profile.personal.empty'), invalid: true });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const saved = await api.savePersonalKey(provider.id, apiKey.trim(), verify);
      setApiKey('');
      setMessage({
        kind: 'success',
        text: t(saved.verified ? 'profile.personal.verified' : 'profile.personal.saved', { provider: provider.name }),
      });
      await onChanged();
    } catch (error) {
      const invalid = error instanceof ApiError && KEY_REFUSED.has(error.code);
      const refused = error instanceof ApiError && error.code === 'provider_rejected_key';
      const said = refused ? error.details.providerMessage : undefined;
      const reason =
        typeof said === 'string' && said !== '' ? ` ${t('profile.globalAdmin.providerSaid', { reason: said })}` : '';
      setMessage({ kind: 'error', text: `${errorMessage(t, error, nameOf)}${reason}`, invalid, refused });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await api.deletePersonalKey(provider.id);
      setMessage({ kind: 'success', text: t('profile.personal.deleted', { provider: provider.name }) });
      await onChanged();
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error, nameOf) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="key-row" data-testid={`personal-key-${provider.id}`}>
      <div className="key-row-head">
        <h3>{provider.name}</h3>
        <span className="key-row-source">
          <span className="muted">{t('profile.personal.inUse')}</span>{' '}
          <KeySourceBadge source={state?.source ?? 'none'} />
        </span>
      </div>
      <p className="key-mask">
        {personal ? (
          <>
            {t('profile.personal.yourKey')} <code data-testid="personal-mask">{personal.mask}</code>{' '}
            <span className="muted">
              {t('profile.personal.updated', { date: format.dateTime(personal.updatedAt) })}
            </span>
          </>
        ) : (
          <span className="muted">{t('profile.personal.noKey')}</span>
        )}
      </p>
      <form onSubmit={(event) => save(true, event)}>
        <Field
          className="key-form"
          label={t('profile.personal.keyLabel', { provider: provider.name })}
          hint={t('profile.personal.formatHint', { hint })}
          errorId={message?.invalid ? messageId : null}
        >
          {(control) => (
            <div className="key-form-row">
              <input
                {...control}
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={apiKey}
                placeholder={
                  personal
                    ? t('profile.personal.placeholderReplace')
                    : t('profile.personal.placeholderNew', { provider: provider.name })
                }
                onChange={(event) => setApiKey(event.target.value)}
              />
              <button type="submit" className="button button-primary" disabled={busy}>
                {personal ? t('profile.personal.replace') : t('profile.personal.save')}
              </button>
              {personal && (
                <button type="button" className="button button-danger-outline" disabled={busy} onClick={remove}>
                  {t('profile.personal.delete')}
                </button>
              )}
            </div>
          )}
        </Field>
      </form>
      {message && (
        <Notice kind={message.kind} id={messageId}>
          {message.text}
          {message.refused && (
            <>
              {' '}
              <button type="button" className="button button-small" disabled={busy} onClick={() => save(false)}>
                {t('profile.globalAdmin.saveAnyway')}
              </button>
            </>
          )}
        </Notice>
      )}
    </li>
  );
}

export function PersonalKeys({
  providers,
  keys,
  onChanged,
}: {
  providers: ProviderInfo[];
  keys: UserKeyState[];
  onChanged(): Promise<void> | void;
}) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="personal-keys-title">
      <h2 id="personal-keys-title">{t('profile.personal.title')}</h2>
      <p className="muted">{t('profile.personal.intro')}</p>
      <ul className="key-list">
        {providers.map((provider) => (
          <PersonalKeyRow
            key={provider.id}
            provider={provider}
            state={keys.find((key) => key.provider === provider.id)}
            onChanged={onChanged}
          />
        ))}
      </ul>
    </section>
  );
}
