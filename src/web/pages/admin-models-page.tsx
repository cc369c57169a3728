// Admin › Models: which catalogue models are offered on the shared (global) keys (every one, or
// those ticked: searchable, all or none per provider, each with its price and tier) and the default
// model of new chats. What a user may use there is this offer ∩ their plan ∩ their group.
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { CatalogueModel, ModelSettingsView } from '../api/types.ts';
import { TIER_MARKS } from '../chat/model-tier.ts';
import { Notice } from '../components/notice.tsx';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { useFormat } from '../format.ts';

const normalise = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

export function AdminModelsPage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const id = useId();
  const language = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const [settings, setSettings] = useState<ModelSettingsView | null>(null);
  const [mode, setMode] = useState<'all' | 'list'>('all');
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [defaultModel, setDefaultModel] = useState<string>('');
  const [query, setQuery] = useState('');
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  useDocumentTitle(t('adminModels.title'));

  const load = useCallback((view: ModelSettingsView) => {
    setSettings(view);
    setMode(view.offered === 'all' ? 'all' : 'list');
    setTicked(new Set(view.catalogue.filter((entry) => entry.offered).map((entry) => entry.id)));
    setDefaultModel(view.defaultModel ?? '');
  }, []);

  useEffect(() => {
    api
      .modelSettings()
      .then(load)
      .catch((error) => setMessage({ kind: 'error', text: errorMessage(t, error) }));
  }, [t, load]);

  const catalogue = settings?.catalogue ?? [];
  const isOffered = (entry: CatalogueModel) => mode === 'all' || ticked.has(entry.id);
  const offeredModels = catalogue.filter(isOffered);
  const words = normalise(query).split(/\s+/).filter(Boolean);
  const shown = catalogue.filter((entry) => {
    const text = normalise(`${entry.name} ${entry.id} ${entry.description[language]}`);
    return words.every((word) => text.includes(word));
  });
  const providers = [...new Set(catalogue.map((entry) => entry.provider))];

  const setTick = (ids: string[], on: boolean) =>
    setTicked((current) => {
      const next = new Set(current);
      for (const modelId of ids) {
        if (on) next.add(modelId);
        else next.delete(modelId);
      }
      return next;
    });

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setMessage(null);
    try {
      const offered =
        mode === 'all' ? 'all' : catalogue.filter((entry) => ticked.has(entry.id)).map((entry) => entry.id);
      const stillOffered = mode === 'all' || ticked.has(defaultModel);
      const view = await api.saveModelSettings({
        offered,
        defaultModel: defaultModel && stillOffered ? defaultModel : null,
      });
      load(view);
      setMessage({ kind: 'success', text: t('adminModels.saved') });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="page admin-page">
      <h1>{t('adminModels.title')}</h1>
      <p className="muted">{t('adminModels.intro')}</p>
      {settings === null ? (
        message ? (
          <Notice kind={message.kind}>{message.text}</Notice>
        ) : (
          <p role="status">{t('app.loading')}</p>
        )
      ) : (
        <form onSubmit={save} noValidate className="form-stack card" data-testid="admin-models">
          <fieldset>
            <legend>{t('adminModels.offerLegend')}</legend>
            <div className="choice-list">
              {(['all', 'list'] as const).map((value) => (
                <label key={value} className="checkbox">
                  <input type="radio" name={`${id}-mode`} checked={mode === value} onChange={() => setMode(value)} />
                  {t(`adminModels.${value}`)}
                </label>
              ))}
            </div>
            <p className="muted" role="status">
              {t('adminModels.count', { count: offeredModels.length, total: catalogue.length })}
            </p>
          </fieldset>

          {mode === 'list' && (
            <div className="model-offer">
              <label htmlFor={`${id}-search`}>{t('adminModels.search')}</label>
              <input
                id={`${id}-search`}
                type="search"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
              />
              {shown.length === 0 && <p className="muted">{t('adminModels.noMatch')}</p>}
              {providers.map((provider) => {
                const items = shown.filter((entry) => entry.provider === provider);
                if (items.length === 0) return null;
                const providerLabel = items[0]?.providerName ?? provider;
                const headingId = `${id}-${provider}`;
                return (
                  <section key={provider} className="model-offer-group" aria-labelledby={headingId}>
                    <div className="model-offer-heading">
                      <h2 id={headingId}>{providerLabel}</h2>
                      <button
                        type="button"
                        className="button button-ghost"
                        onClick={() =>
                          setTick(
                            items.map((entry) => entry.id),
                            true,
                          )
                        }
                      >
                        {t('adminModels.allOf', { provider: providerLabel })}
                      </button>
                      <button
                        type="button"
                        className="button button-ghost"
                        onClick={() =>
                          setTick(
                            items.map((entry) => entry.id),
                            false,
                          )
                        }
                      >
                        {t('adminModels.noneOf', { provider: providerLabel })}
                      </button>
                    </div>
                    <ul className="model-offer-list">
                      {items.map((entry) => (
                        <li key={entry.id}>
                          <label className="checkbox">
                            <input
                              type="checkbox"
                              checked={ticked.has(entry.id)}
                              aria-label={t('adminModels.offer', { name: entry.name })}
                              onChange={(event) => setTick([entry.id], event.target.checked)}
                            />
                            <span className="model-offer-text">
                              <span className="model-option-name">
                                {entry.name}{' '}
                                <span className="model-tier">
                                  <span aria-hidden="true">{TIER_MARKS[entry.tier]}</span>{' '}
                                  {t(`chat.tier.${entry.tier}`)}
                                </span>
                              </span>
                              <span className="model-option-description">{entry.description[language]}</span>
                              <span className="model-option-detail">
                                {t('adminModels.price', {
                                  input: format.money(entry.inputMicrousdPerMtok),
                                  output: format.money(entry.outputMicrousdPerMtok),
                                })}
                              </span>
                            </span>
                          </label>
                        </li>
                      ))}
                    </ul>
                  </section>
                );
              })}
            </div>
          )}

          <div className="field">
            <label htmlFor={`${id}-default`}>{t('adminModels.defaultLabel')}</label>
            <select id={`${id}-default`} value={defaultModel} onChange={(event) => setDefaultModel(event.target.value)}>
              <option value="">{t('adminModels.defaultAuto')}</option>
              {offeredModels.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {`${entry.name} (${entry.providerName}) · ${t(`chat.tier.${entry.tier}`)}`}
                </option>
              ))}
            </select>
          </div>

          {message && <Notice kind={message.kind}>{message.text}</Notice>}
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={saving}>
              {saving ? t('common.saving') : t('adminModels.save')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
