// The admin's global keys: one field per provider, the masks of the saved keys, and one button that
// saves every filled field at once.
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { GlobalKeyState, ProviderInfo } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useFormat } from '../format.ts';

export function GlobalKeysAdmin({
  providers,
  onChanged,
}: {
  providers: ProviderInfo[];
  onChanged(): Promise<void> | void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const [states, setStates] = useState<GlobalKeyState[] | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [success, setSuccess] = useState<string | null>(null);
  /** The providers whose key was refused, each with the sentence that says why. */
  const [failures, setFailures] = useState<Array<{ provider: string; text: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const nameOf = (provider: string) => providers.find((item) => item.id === provider)?.name ?? provider;

  const load = useCallback(async () => {
    try {
      setStates((await api.globalKeys()).providers);
    } catch (error) {
      setError(errorMessage(t, error));
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const saveAll = async (event: FormEvent) => {
    event.preventDefault();
    const filled = providers.filter((provider) => (drafts[provider.id] ?? '').trim() !== '');
    setSuccess(null);
    setFailures([]);
    setError(null);
    if (filled.length === 0) {
      setError(t('profile.globalAdmin.nothingToSave'));
      return;
    }
    setBusy(true);
    const results = await Promise.allSettled(
      filled.map((provider) => api.saveGlobalKey(provider.id, (drafts[provider.id] ?? '').trim())),
    );
    const saved: string[] = [];
    const failed: Array<{ provider: string; text: string }> = [];
    const remaining: Record<string, string> = { ...drafts };
    results.forEach((result, index) => {
      const provider = filled[index];
      if (!provider) return;
      if (result.status === 'fulfilled') {
        saved.push(provider.name);
        delete remaining[provider.id];
      } else {
        failed.push({ provider: provider.id, text: `${provider.name} — ${errorMessage(t, result.reason, nameOf)}` });
      }
    });
    setDrafts(remaining);
    if (saved.length > 0) setSuccess(t('profile.globalAdmin.savedAll', { providers: format.list(saved) }));
    setFailures(failed);
    setBusy(false);
    await Promise.all([load(), onChanged()]);
  };

  const remove = async (provider: ProviderInfo) => {
    setSuccess(null);
    setFailures([]);
    setError(null);
    try {
      await api.deleteGlobalKey(provider.id);
      setSuccess(t('profile.globalAdmin.deleted', { provider: provider.name }));
      await Promise.all([load(), onChanged()]);
    } catch (caught) {
      setError(errorMessage(t, caught, nameOf));
    }
  };

  return (
    <section className="card card-admin" aria-labelledby="global-keys-admin-title" data-testid="global-keys-admin">
      <h2 id="global-keys-admin-title">{t('profile.globalAdmin.title')}</h2>
      <p className="muted">{t('profile.globalAdmin.intro')}</p>
      <form onSubmit={saveAll} className="global-keys-form">
        <ul className="key-list">
          {providers.map((provider) => {
            const state = states?.find((item) => item.provider === provider.id);
            const stateId = `${id}-${provider.id}-state`;
            const failed = failures.some((failure) => failure.provider === provider.id);
            return (
              <li key={provider.id} className="key-row" data-testid={`global-key-${provider.id}`}>
                <Field
                  className=""
                  label={t('profile.globalAdmin.keyLabel', { provider: provider.name })}
                  hint={t('profile.personal.formatHint', {
                    hint: t(`keyHints.${provider.id}`, { defaultValue: provider.keyHint }),
                  })}
                  describedBy={stateId}
                  errorId={failed ? `${id}-failures` : null}
                >
                  {(control) => (
                    <>
                      <div className="key-form-row">
                        <input
                          {...control}
                          type="password"
                          autoComplete="off"
                          spellCheck={false}
                          value={drafts[provider.id] ?? ''}
                          onChange={(event) =>
                            setDrafts((current) => ({ ...current, [provider.id]: event.target.value }))
                          }
                        />
                        {state?.configured && (
                          <button
                            type="button"
                            className="button button-danger-outline"
                            aria-label={t('profile.globalAdmin.delete', { provider: provider.name })}
                            onClick={() => remove(provider)}
                          >
                            {t('common.delete')}
                          </button>
                        )}
                      </div>
                      <p id={stateId} className="key-mask">
                        {state?.configured && state.mask ? (
                          <>
                            {t('profile.globalAdmin.current')} <code data-testid="global-mask">{state.mask}</code>{' '}
                            <span className="muted">{format.dateTime(state.updatedAt)}</span>
                          </>
                        ) : (
                          <span className="muted">{t('profile.globalAdmin.notConfigured')}</span>
                        )}
                      </p>
                    </>
                  )}
                </Field>
              </li>
            );
          })}
        </ul>
        {success && <Notice kind="success">{success}</Notice>}
        {error && <Notice kind="error">{error}</Notice>}
        {failures.length > 0 && (
          <Notice kind="error" id={`${id}-failures`}>
            {t('profile.globalAdmin.someFailed')}
            <ul>
              {failures.map((failure) => (
                <li key={failure.provider}>{failure.text}</li>
              ))}
            </ul>
          </Notice>
        )}
        <button type="submit" className="button button-primary button-large" disabled={busy}>
          {busy ? t('common.saving') : t('profile.globalAdmin.saveAll')}
        </button>
      </form>
    </section>
  );
}
