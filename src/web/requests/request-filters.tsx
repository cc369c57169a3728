// The request log's filters, in the page's address (?user=…&status=…): a filtered log is a link
// (from a user's row, from a failed count) and can be shared. The form's parts: filter-form.tsx.
import { useTranslation } from 'react-i18next';
import type { RequestLogParams } from '../api/client.ts';
import { FilterActions, FilterDate, FilterSelect, FilterText, useFilterDraft } from '../components/filter-form.tsx';
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
  const { draft, set, submit, clear } = useFilterDraft(value, onApply);
  const text = (name: keyof RequestLogParams, label: string, hint?: string) => (
    <FilterText name={name} label={label} hint={hint} value={draft[name]} onChange={set(name)} />
  );
  const date = (name: 'from' | 'to', label: string) => (
    <FilterDate name={name} label={label} value={draft[name]} onChange={set(name)} />
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
        <FilterSelect name="provider" label={t('requests.provider')} value={draft.provider} onChange={set('provider')}>
          <option value="">{t('requests.any')}</option>
          {(catalog?.providers ?? []).map((provider) => (
            <option key={provider.id} value={provider.id}>
              {provider.name}
            </option>
          ))}
        </FilterSelect>
        {text('model', t('requests.model'), t('requests.modelHint'))}
        <FilterSelect name="source" label={t('requests.source')} value={draft.source} onChange={set('source')}>
          <option value="">{t('requests.any')}</option>
          <option value="personal">{t('requests.sources.personal')}</option>
          <option value="global">{t('requests.sources.global')}</option>
          <option value="none">{t('requests.sources.none')}</option>
        </FilterSelect>
        <FilterSelect name="status" label={t('requests.status')} value={draft.status} onChange={set('status')}>
          <option value="">{t('requests.any')}</option>
          <option value="ok">{t('requests.statuses.ok')}</option>
          <option value="failed">{t('requests.statuses.failed')}</option>
          {draft.status && !['ok', 'failed'].includes(draft.status) && (
            <option value={draft.status}>{draft.status}</option>
          )}
        </FilterSelect>
        {text('error', t('requests.error'), t('requests.errorHint'))}
        {date('from', t('requests.from'))}
        {date('to', t('requests.to'))}
      </div>
      <div className="filters-flags">
        {flag('estimated', t('requests.onlyEstimated'))}
        {flag('unpriced', t('requests.onlyUnpriced'))}
      </div>
      <FilterActions apply={t('requests.apply')} clear={t('requests.clear')} onClear={clear} />
    </form>
  );
}
