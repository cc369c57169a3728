// Admin › Users' budget tools: the default budgets form, each user's budget cell, and the form that
// gives a user their own budgets and rate limits (or the default back).
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminLimits, DefaultLimits, UserLimitsSummary } from '../api/types.ts';
import { useFormat } from '../format.ts';
import {
  type BudgetForm,
  budgetFormOf,
  budgetFromForm,
  overrideFromForm,
  type UserLimitsField,
} from '../limits/budget-form.ts';
import { budgetAmount } from '../limits/budget-text.ts';
import { Notice } from './notice.tsx';

type Message = { kind: 'error' | 'success'; text: string };
type Unit = 'microusd' | 'tokens';

const FIELDS = ['dayDollars', 'monthDollars', 'dayTokens', 'monthTokens'] as const;

/** The four fields of one key source's budgets. */
function BudgetFields({
  value,
  onChange,
  disabled = false,
}: {
  value: BudgetForm;
  onChange: (value: BudgetForm) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="budget-fields">
      {FIELDS.map((field) => (
        <div className="field" key={field}>
          <label htmlFor={`${id}-${field}`}>{t(`admin.limits.${field}`)}</label>
          <input
            id={`${id}-${field}`}
            inputMode={field.endsWith('Dollars') ? 'decimal' : 'numeric'}
            placeholder={t('admin.limits.noLimitPlaceholder')}
            value={value[field]}
            disabled={disabled}
            onChange={(event) => onChange({ ...value, [field]: event.target.value })}
          />
        </div>
      ))}
    </div>
  );
}

/** Where rate limits are counted, and why memory matters with several instances. */
export function LimitsStore({ store }: { store: AdminLimits['store'] }) {
  const { t } = useTranslation();
  return (
    <p className="limits-store" data-testid="limits-store">
      {store === 'redis' ? (
        t('admin.limits.storeRedis')
      ) : (
        <>
          {t('admin.limits.storeMemory')} <span className="muted">{t('admin.limits.storeMemoryHint')}</span>
        </>
      )}
    </p>
  );
}

/** The budgets every user without their own gets; an empty field is no limit. */
export function DefaultBudgetsForm({
  limits,
  onSaved,
}: {
  limits: AdminLimits;
  onSaved: (saved: DefaultLimits) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const fallback = limits.default;
  const [forms, setForms] = useState(() => ({
    global: budgetFormOf(fallback.budgets.global),
    personal: budgetFormOf(fallback.budgets.personal),
  }));
  const [message, setMessage] = useState<Message | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const global = budgetFromForm(forms.global);
    const personal = budgetFromForm(forms.personal);
    for (const [source, parsed] of [
      ['global', global],
      ['personal', personal],
    ] as const) {
      if (!parsed.ok) {
        const field = `${t(`admin.limits.${source}`)} · ${t(`admin.limits.${parsed.field}`)}`;
        setMessage({ kind: 'error', text: t('admin.limits.invalidAmount', { field }) });
        return;
      }
    }
    if (!global.ok || !personal.ok) return;
    setSaving(true);
    try {
      const saved = await api.saveDefaultLimits({ global: global.limits, personal: personal.limits });
      setForms({ global: budgetFormOf(saved.budgets.global), personal: budgetFormOf(saved.budgets.personal) });
      setMessage({ kind: 'success', text: t('admin.limits.savedDefault') });
      onSaved(saved);
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="default-budgets">
      <h2 id={`${id}-title`}>{t('admin.limits.defaultTitle')}</h2>
      <p className="muted">{t('admin.limits.defaultIntro')}</p>
      <form onSubmit={save} noValidate>
        <div className="budget-form">
          {(['global', 'personal'] as const).map((source) => (
            <fieldset key={source} data-testid={`default-budget-${source}`}>
              <legend>{t(`admin.limits.${source}`)}</legend>
              <BudgetFields
                value={forms[source]}
                onChange={(value) => setForms((current) => ({ ...current, [source]: value }))}
              />
            </fieldset>
          ))}
        </div>
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving ? t('common.saving') : t('admin.limits.saveDefault')}
          </button>
        </div>
      </form>
      <p className="muted">
        {t('admin.limits.defaultRates', {
          requests: format.number(fallback.requestsPerMinute),
          tokens:
            fallback.tokensPerMinute === null
              ? t('admin.limits.noTokensPerMinute')
              : t('admin.limits.tokensPerMinuteValue', { value: fallback.tokensPerMinute }),
        })}
      </p>
      <LimitsStore store={limits.store} />
    </section>
  );
}

/** A user's effective global budget against what they spent on the global keys. */
export function UserBudgetSummary({ summary }: { summary: UserLimitsSummary }) {
  const { t } = useTranslation();
  const budget = summary.effective.global;
  const spent = summary.spentGlobal;
  const own = Object.values(summary.override).some((value) => value !== null);
  const candidates: Array<{ key: 'spentPerMonth' | 'spentPerDay'; unit: Unit; limit: number | null; spent: number }> =
    budget
      ? [
          { key: 'spentPerMonth', unit: 'microusd', limit: budget.monthMicrousd, spent: spent.monthMicrousd },
          { key: 'spentPerDay', unit: 'microusd', limit: budget.dayMicrousd, spent: spent.dayMicrousd },
          { key: 'spentPerMonth', unit: 'tokens', limit: budget.monthTokens, spent: spent.monthTokens },
          { key: 'spentPerDay', unit: 'tokens', limit: budget.dayTokens, spent: spent.dayTokens },
        ]
      : [];
  const rows = candidates.flatMap((row) => (row.limit === null ? [] : [{ ...row, limit: row.limit }]));
  return (
    <>
      {rows.length === 0 ? (
        <span>{t('admin.limits.noLimit')}</span>
      ) : (
        rows.map((row) => (
          <span key={`${row.unit}-${row.key}`}>
            {t(`admin.limits.${row.key}`, {
              spent: budgetAmount(t, row.unit, row.spent),
              limit: budgetAmount(t, row.unit, row.limit),
            })}
          </span>
        ))
      )}
      {own && <span className="badge badge-neutral">{t('admin.limits.ownSettings')}</span>}
    </>
  );
}

function fieldLabel(t: (key: string) => string, field: UserLimitsField) {
  if (field === 'requestsPerMinute' || field === 'tokensPerMinute') return t(`admin.limits.${field}`);
  const [source, name] = field.split('.') as [string, string];
  return `${t(`admin.limits.${source}`)} · ${t(`admin.limits.${name}`)}`;
}

/** One user's own budgets (or the default) and rate limits. */
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
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

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
      setError(t(key, { field: fieldLabel(t, parsed.field) }));
      return;
    }
    setSaving(true);
    try {
      await api.saveUserLimits(summary.userId, parsed.override);
      onSaved();
    } catch (caught) {
      setError(errorMessage(t, caught));
      setSaving(false);
    }
  };

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
            />
          </fieldset>
        ))}
        <fieldset>
          <legend>{t('usage.budget.rateLimits')}</legend>
          <div className="budget-fields">
            <div className="field">
              <label htmlFor={`${id}-rpm`}>{t('admin.limits.requestsPerMinute')}</label>
              <input
                id={`${id}-rpm`}
                inputMode="numeric"
                placeholder={t('admin.limits.rateDefaultPlaceholder', {
                  value: format.number(fallback.requestsPerMinute),
                })}
                value={rates.requestsPerMinute}
                onChange={(event) => setRates({ ...rates, requestsPerMinute: event.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-tpm`}>{t('admin.limits.tokensPerMinute')}</label>
              <input
                id={`${id}-tpm`}
                inputMode="numeric"
                placeholder={t('admin.limits.rateDefaultPlaceholder', {
                  value:
                    fallback.tokensPerMinute === null
                      ? t('admin.limits.noLimit')
                      : format.number(fallback.tokensPerMinute),
                })}
                value={rates.tokensPerMinute}
                onChange={(event) => setRates({ ...rates, tokensPerMinute: event.target.value })}
              />
            </div>
          </div>
        </fieldset>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
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
