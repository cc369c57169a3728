// Admin › Users: the form that gives one user their own budgets and rate limits, or the default back.
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeySourceName } from '../../shared/limits.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { DefaultLimits, UserLimitsSummary } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useFormat } from '../format.ts';
import { BudgetFields } from './budget-fields.tsx';
import { type BudgetForm, budgetFormOf, overrideFromForm, type UserLimitsField } from './budget-form.ts';
import { fieldLabel } from './budget-text.ts';

/** The budget field of `source` that was refused, if the refused field is one. */
function budgetFieldOf(field: UserLimitsField | null, source: KeySourceName): keyof BudgetForm | null {
  if (!field?.startsWith(`${source}.`)) return null;
  return field.slice(source.length + 1) as keyof BudgetForm;
}

export function UserLimitsForm({
  name,
  summary,
  fallback,
  onSaved,
  onCancel,
}: {
  name: string;
  summary: UserLimitsSummary;
  fallback: DefaultLimits;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const errorId = `${id}-error`;
  const { override } = summary;
  const [custom, setCustom] = useState({ global: override.global !== null, personal: override.personal !== null });
  const [budgets, setBudgets] = useState(() => ({
    global: budgetFormOf(override.global ?? fallback.budgets.global),
    personal: budgetFormOf(override.personal ?? fallback.budgets.personal),
  }));
  const [rates, setRates] = useState({
    requestsPerMinute: override.requestsPerMinute === null ? '' : String(override.requestsPerMinute),
    tokensPerMinute: override.tokensPerMinute === null ? '' : String(override.tokensPerMinute),
  });
  const [error, setError] = useState<{ text: string; field: UserLimitsField | null } | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const invalid = error?.field ?? null;

  // The form opens below the table: bring it into view.
  useEffect(() => {
    formRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const parsed = overrideFromForm({
      global: custom.global ? budgets.global : null,
      personal: custom.personal ? budgets.personal : null,
      ...rates,
    });
    if (!parsed.ok) {
      const key = parsed.field.endsWith('PerMinute') ? 'admin.limits.invalidPerMinute' : 'admin.limits.invalidAmount';
      setError({ text: t(key, { field: fieldLabel(t, parsed.field) }), field: parsed.field });
      return;
    }
    setSaving(true);
    try {
      await api.saveUserLimits(summary.userId, parsed.override);
      onSaved();
    } catch (caught) {
      setError({ text: errorMessage(t, caught), field: null });
      setSaving(false);
    }
  };

  const ratePlaceholder = (value: number | null) =>
    t('admin.limits.rateDefaultPlaceholder', {
      value: value === null ? t('admin.limits.noLimit') : format.number(value),
    });

  return (
    <form
      ref={formRef}
      onSubmit={save}
      noValidate
      aria-labelledby={`${id}-title`}
      data-testid={`user-limits-form-${summary.userId}`}
    >
      <h3 id={`${id}-title`}>{t('admin.limits.editTitle', { name })}</h3>
      <div className="budget-form">
        {(['global', 'personal'] as const).map((source) => (
          <fieldset key={source}>
            <legend>{t(`admin.limits.${source}`)}</legend>
            <div className="budget-choice">
              <label className="checkbox">
                <input
                  type="radio"
                  name={`${id}-${source}`}
                  checked={!custom[source]}
                  onChange={() => setCustom((current) => ({ ...current, [source]: false }))}
                />
                {t('admin.limits.useDefault')}
              </label>
              <label className="checkbox">
                <input
                  type="radio"
                  name={`${id}-${source}`}
                  checked={custom[source]}
                  onChange={() => setCustom((current) => ({ ...current, [source]: true }))}
                />
                {t('admin.limits.custom')}
              </label>
            </div>
            <BudgetFields
              value={custom[source] ? budgets[source] : budgetFormOf(fallback.budgets[source])}
              disabled={!custom[source]}
              onChange={(value) => setBudgets((current) => ({ ...current, [source]: value }))}
              invalidField={budgetFieldOf(invalid, source)}
              errorId={errorId}
            />
          </fieldset>
        ))}
        <fieldset>
          <legend>{t('usage.budget.rateLimits')}</legend>
          <div className="budget-fields">
            {(['requestsPerMinute', 'tokensPerMinute'] as const).map((field) => (
              <Field key={field} label={t(`admin.limits.${field}`)} errorId={invalid === field ? errorId : null}>
                {(control) => (
                  <input
                    {...control}
                    inputMode="numeric"
                    placeholder={ratePlaceholder(fallback[field])}
                    value={rates[field]}
                    onChange={(event) => setRates({ ...rates, [field]: event.target.value })}
                  />
                )}
              </Field>
            ))}
          </div>
        </fieldset>
      </div>
      {error && (
        <Notice kind="error" id={errorId}>
          {error.text}
        </Notice>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? t('common.saving') : t('admin.limits.save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
