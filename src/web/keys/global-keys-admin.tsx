// The admin's global keys: one field per provider, the masks of the saved keys, and one button that
// saves every filled field at once, each checked with its provider first. A key the provider
// refuses shows the provider's reason and a button that saves it unchecked, said as such. Deleting
// a key names how many users it cuts off, in a dialog, before anything is deleted.
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { GlobalKeyState, ProviderInfo } from '../api/types.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { announceFirstRunChange } from '../first-run/admin-notices.tsx';
import { useFormat } from '../format.ts';

interface Failure {
  provider: string;
  text: string;
  /** The provider refused the key itself: it may still be saved unchecked. */
  refused: boolean;
  /** The provider's own reason, when it gave one. */
  providerMessage: string | null;
}

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
  const [failures, setFailures] = useState<Failure[]>([]);
  /** The deletion waiting for the admin's yes, with the number of users it cuts off. */
  const [deleting, setDeleting] = useState<{ provider: ProviderInfo; usersAffected: number } | null>(null);
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
      filled.map((provider) => api.saveGlobalKey(provider.id, (drafts[provider.id] ?? '').trim(), true)),
    );
    const saved: string[] = [];
    const failed: Failure[] = [];
    const remaining: Record<string, string> = { ...drafts };
    results.forEach((result, index) => {
      const provider = filled[index];
      if (!provider) return;
      if (result.status === 'fulfilled') {
        saved.push(provider.name);
        delete remaining[provider.id];
      } else {
        failed.push(failureOf(provider, result.reason));
      }
    });
    setDrafts(remaining);
    if (saved.length > 0) setSuccess(t('profile.globalAdmin.savedAll', { providers: format.list(saved) }));
    setFailures(failed);
    setBusy(false);
    await Promise.all([load(), onChanged()]);
    announceFirstRunChange();
  };

  const failureOf = (provider: ProviderInfo, reason: unknown): Failure => {
    const refused = reason instanceof ApiError && reason.code === 'provider_rejected_key';
    const said = refused ? reason.details.providerMessage : undefined;
    return {
      provider: provider.id,
      text: `${provider.name} — ${errorMessage(t, reason, nameOf)}`,
      refused,
      providerMessage: typeof said === 'string' && said !== '' ? said : null,
    };
  };

  /** The admin's "save anyway": the same key, stored without the provider's check. */
  const saveUnchecked = async (provider: ProviderInfo) => {
    const apiKey = (drafts[provider.id] ?? '').trim();
    if (!apiKey) return;
    setBusy(true);
    setSuccess(null);
    setError(null);
    try {
      await api.saveGlobalKey(provider.id, apiKey, false);
      setDrafts((current) => {
        const next = { ...current };
        delete next[provider.id];
        return next;
      });
      setFailures((current) => current.filter((failure) => failure.provider !== provider.id));
      setSuccess(t('profile.globalAdmin.savedUnchecked', { provider: provider.name }));
      await Promise.all([load(), onChanged()]);
      announceFirstRunChange();
    } catch (caught) {
      setFailures((current) => [
        ...current.filter((failure) => failure.provider !== provider.id),
        failureOf(provider, caught),
      ]);
    } finally {
      setBusy(false);
    }
  };

  /** First the count of users it would cut off, then the dialog that names it. */
  const askToRemove = async (provider: ProviderInfo) => {
    setSuccess(null);
    setFailures([]);
    setError(null);
    try {
      const { usersAffected } = await api.globalKeyImpact(provider.id);
      setDeleting({ provider, usersAffected });
    } catch (caught) {
      setError(errorMessage(t, caught, nameOf));
    }
  };

  const remove = async (provider: ProviderInfo) => {
    setBusy(true);
    try {
      await api.deleteGlobalKey(provider.id);
      setDeleting(null);
      setSuccess(t('profile.globalAdmin.deleted', { provider: provider.name }));
      await Promise.all([load(), onChanged()]);
      announceFirstRunChange();
    } catch (caught) {
      setDeleting(null);
      setError(errorMessage(t, caught, nameOf));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      id="global-keys"
      className="card card-admin"
      aria-labelledby="global-keys-admin-title"
      data-testid="global-keys-admin"
    >
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
                            onClick={() => askToRemove(provider)}
                          >
                            {t('common.delete')}
                          </button>
                        )}
                      </div>
                      <p id={stateId} className="key-mask">
                        {state?.configured && state.mask ? (
                          <>
                            {t('profile.globalAdmin.current')} <code data-testid="global-mask">{state.mask}</code>{' '}
                            <span className="muted">{format.dateTime(state.updatedAt)}</span>{' '}
                            {!state.verified && (
                              <span className="badge badge-warning" data-testid="global-unverified">
                                {t('profile.globalAdmin.unverified')}
                              </span>
                            )}
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
              {failures.map((failure) => {
                const provider = providers.find((item) => item.id === failure.provider);
                return (
                  <li key={failure.provider} data-testid={`global-key-failure-${failure.provider}`}>
                    {failure.text}
                    {failure.providerMessage && (
                      <> {t('profile.globalAdmin.providerSaid', { reason: failure.providerMessage })}</>
                    )}
                    {failure.refused && provider && (
                      <>
                        {' '}
                        <button
                          type="button"
                          className="button button-small"
                          disabled={busy}
                          onClick={() => saveUnchecked(provider)}
                        >
                          {t('profile.globalAdmin.saveAnyway')}
                        </button>
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
          </Notice>
        )}
        <p className="field-hint">{t('profile.globalAdmin.verifyNote')}</p>
        <button type="submit" className="button button-primary button-large" disabled={busy}>
          {busy ? t('common.saving') : t('profile.globalAdmin.saveAll')}
        </button>
      </form>
      {deleting && (
        <ConfirmDialog
          testId="global-key-delete-dialog"
          title={t('profile.globalAdmin.deleteTitle', { provider: deleting.provider.name })}
          confirmLabel={t('profile.globalAdmin.deleteConfirm', { provider: deleting.provider.name })}
          busy={busy}
          onConfirm={() => remove(deleting.provider)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            {t('profile.globalAdmin.deleteImpact', {
              count: deleting.usersAffected,
              provider: deleting.provider.name,
            })}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
