// The exchange rates the money view's margin uses: dollars for one unit of each currency, set by
// the admin (WeBox asks no bank for them).
import { useTranslation } from 'react-i18next';
import { Field } from '../components/field.tsx';
import type { RateRow } from './settings-form-state.ts';

export function CurrencyRatesField({
  rows,
  onChange,
  invalidRow,
  errorId,
}: {
  rows: RateRow[];
  onChange: (rows: RateRow[]) => void;
  invalidRow: number | null;
  errorId: string;
}) {
  const { t } = useTranslation();
  const set = (index: number, change: Partial<RateRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));

  return (
    <fieldset>
      <legend>{t('adminBilling.settings.rates')}</legend>
      <p className="muted">{t('adminBilling.settings.ratesHint')}</p>
      <div className="rate-rows">
        {rows.map((row, index) => (
          // Rows have no identity of their own beyond their place while being typed.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <div className="rate-row" key={index} data-testid="rate-row">
            <Field label={t('adminBilling.settings.currency')} errorId={invalidRow === index ? errorId : null}>
              {(control) => (
                <input
                  {...control}
                  size={5}
                  maxLength={3}
                  placeholder="EUR"
                  value={row.currency}
                  onChange={(event) => set(index, { currency: event.target.value.toUpperCase() })}
                />
              )}
            </Field>
            <Field
              label={t('adminBilling.settings.rate', { currency: row.currency || '…' })}
              errorId={invalidRow === index ? errorId : null}
            >
              {(control) => (
                <input
                  {...control}
                  inputMode="decimal"
                  placeholder={t('adminBilling.settings.noRate')}
                  value={row.rate}
                  onChange={(event) => set(index, { rate: event.target.value })}
                />
              )}
            </Field>
            <button
              type="button"
              className="button button-small"
              aria-label={t('adminBilling.settings.removeRate', { currency: row.currency || '…' })}
              onClick={() => onChange(rows.filter((_, at) => at !== index))}
            >
              {t('common.delete')}
            </button>
          </div>
        ))}
      </div>
      <button
        type="button"
        className="button button-small"
        onClick={() => onChange([...rows, { currency: '', rate: '' }])}
      >
        {t('adminBilling.settings.addRate')}
      </button>
    </fieldset>
  );
}
