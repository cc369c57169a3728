// The request log's filters: a form whose values live in the page's address (?user=…&status=…),
// so that a filtered log is a link (from a user's row, from a failed count) and can be shared.
// The form edits a draft; "Filter" writes it to the address, "Clear" empties it.
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestLogParams } from '../api/client.ts';
import { Field } from '../components/field.tsx';
import type { Catalog } from '../components/use-catalog.ts';

export const FILTER_NAMES = [
  'user',
  'provider',
  'model',
  'source',
  'status',
  'error',
  'from',
  'to',
  'estimated',
  'unpriced',
] as const;

/** The filters an address holds (unknown parameters ignored; the server validates the rest). */
export function filtersFrom(search: URLSearchParams): RequestLogParams {
  const params: RequestLogParams = {};
  for (const name of FILTER_NAMES) {
    const value = search.get(name);
    if (value) params[name] = value;
  }
  return params;
}

export function RequestFilters({
  scope,
  value,
  catalog,
  onApply,
}: {
  scope: 'mine' | 'admin';
  value: RequestLogParams;
  catalog: Catalog | null;
  onApply: (params: RequestLogParams) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<RequestLogParams>(value);
  // A link followed while the page is open (another user's row) replaces the draft.
  useEffect(() => setDraft(value), [value]);
  const set = (name: keyof RequestLogParams) => (text: string) => setDraft((current) => ({ ...current, [name]: text }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const cleaned: RequestLogParams = {};
    for (const [name, text] of Object.entries(draft)) {
      const trimmed = text?.trim();
      if (trimmed) cleaned[name as keyof RequestLogParams] = trimmed;
    }
    onApply(cleaned);
  };

  const text = (name: keyof RequestLogParams, label: string, hint?: string) => (
    <Field label={label} hint={hint}>
      {(control) => (
        <input
          {...control}
          type="text"
          name={name}
          value={draft[name] ?? ''}
          onChange={(e) => set(name)(e.target.value)}
        />
      )}
    </Field>
  );
  const date = (name: 'from' | 'to', label: string) => (
    <Field label={label}>
      {(control) => (
        <input
          {...control}
          type="date"
          name={name}
          // An instant in the address (from an API link) shows as its day.
          value={(draft[name] ?? '').slice(0, 10)}
          onChange={(e) => set(name)(e.target.value)}
        />
      )}
    </Field>
  );
  const flag = (name: 'estimated' | 'unpriced', label: string) => (
    <label className="checkbox">
      <input
        type="checkbox"
        name={name}
        checked={draft[name] === 'true'}
        onChange={(e) => set(name)(e.target.checked ? 'true' : '')}
      />{' '}
      {label}
    </label>
  );

  return (
    <form className="card request-filters" onSubmit={submit} aria-label={t('requests.filters')}>
      <div className="filters-grid">
        {scope === 'admin' && text('user', t('requests.user'), t('requests.userHint'))}
        <Field label={t('requests.provider')}>
          {(control) => (
            <select
              {...control}
              name="provider"
              value={draft.provider ?? ''}
              onChange={(e) => set('provider')(e.target.value)}
            >
              <option value="">{t('requests.any')}</option>
              {(catalog?.providers ?? []).map((provider) => (
                <option key={provider.id} value={provider.id}>
                  {provider.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text('model', t('requests.model'), t('requests.modelHint'))}
        <Field label={t('requests.source')}>
          {(control) => (
            <select
              {...control}
              name="source"
              value={draft.source ?? ''}
              onChange={(e) => set('source')(e.target.value)}
            >
              <option value="">{t('requests.any')}</option>
              <option value="personal">{t('requests.sources.personal')}</option>
              <option value="global">{t('requests.sources.global')}</option>
              <option value="none">{t('requests.sources.none')}</option>
            </select>
          )}
        </Field>
        <Field label={t('requests.status')}>
          {(control) => (
            <select
              {...control}
              name="status"
              value={draft.status ?? ''}
              onChange={(e) => set('status')(e.target.value)}
            >
              <option value="">{t('requests.any')}</option>
              <option value="ok">{t('requests.statuses.ok')}</option>
              <option value="failed">{t('requests.statuses.failed')}</option>
              {draft.status && !['ok', 'failed'].includes(draft.status) && (
                <option value={draft.status}>{draft.status}</option>
              )}
            </select>
          )}
        </Field>
        {text('error', t('requests.error'), t('requests.errorHint'))}
        {date('from', t('requests.from'))}
        {date('to', t('requests.to'))}
      </div>
      <div className="filters-flags">
        {flag('estimated', t('requests.onlyEstimated'))}
        {flag('unpriced', t('requests.onlyUnpriced'))}
      </div>
      <div className="form-actions">
        <button type="submit" className="button">
          {t('requests.apply')}
        </button>
        <button
          type="button"
          className="button button-ghost"
          onClick={() => {
            setDraft({});
            onApply({});
          }}
        >
          {t('requests.clear')}
        </button>
      </div>
    </form>
  );
}
