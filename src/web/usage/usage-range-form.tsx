// The usage pages' period: a preset or, for "custom", two dates (from never after to), and the
// range in words.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format.ts';
import type { RangePreset } from './usage-data.ts';

type Range = { from: string; to: string };

const PRESETS = ['thisMonth', 'lastMonth', 'last7', 'last30', 'custom'] as const;

export function UsageRangeForm({
  preset,
  onPreset,
  custom,
  onCustom,
  range,
}: {
  preset: RangePreset;
  onPreset: (preset: RangePreset) => void;
  /** The dates of the custom range, kept while another preset is shown. */
  custom: Range;
  onCustom: (range: Range) => void;
  /** The range shown now. */
  range: Range;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  return (
    <form className="usage-range card" onSubmit={(event) => event.preventDefault()}>
      <label htmlFor={`${id}-preset`}>{t('usage.range')}</label>
      <select id={`${id}-preset`} value={preset} onChange={(event) => onPreset(event.target.value as RangePreset)}>
        {PRESETS.map((value) => (
          <option key={value} value={value}>
            {t(`usage.presets.${value}`)}
          </option>
        ))}
      </select>
      {preset === 'custom' && (
        <>
          <label htmlFor={`${id}-from`}>{t('usage.from')}</label>
          <input
            id={`${id}-from`}
            type="date"
            value={custom.from}
            max={custom.to}
            onChange={(event) => event.target.value && onCustom({ ...custom, from: event.target.value })}
          />
          <label htmlFor={`${id}-to`}>{t('usage.to')}</label>
          <input
            id={`${id}-to`}
            type="date"
            value={custom.to}
            min={custom.from}
            onChange={(event) => event.target.value && onCustom({ ...custom, to: event.target.value })}
          />
        </>
      )}
      <span className="muted usage-range-summary">
        {t('usage.rangeSummary', {
          from: format.date(`${range.from}T12:00:00Z`),
          to: format.date(`${range.to}T12:00:00Z`),
        })}
      </span>
    </form>
  );
}
