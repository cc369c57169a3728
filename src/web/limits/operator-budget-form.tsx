// Admin › Users: the operator budget on the global keys, what every user together may spend per day
// and month (an empty field is no limit), what was spent against it, the alert thresholds, the
// hard cap that pauses the global keys, and the spend-jump alert's multiple.
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OperatorBudgetSettings, OperatorBudgetView } from '../../shared/operator-budget.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useFormat } from '../format.ts';

type FieldName = 'day' | 'month' | 'thresholds' | 'spendJump';

interface Form {
  day: string;
  month: string;
  thresholds: string;
  hardCap: boolean;
  spendJump: string;
}

const dollarsText = (microusd: number | null) => (microusd === null ? '' : String(microusd / 1_000_000));

const formOf = (budget: OperatorBudgetView): Form => ({
  day: dollarsText(budget.dayMicrousd),
  month: dollarsText(budget.monthMicrousd),
  thresholds: budget.thresholds.join(', '),
  hardCap: budget.hardCap,
  spendJump: budget.spendJumpMultiple === null ? '' : String(budget.spendJumpMultiple),
});

/** A non-negative number typed with a point or a comma (French); null when empty, NaN when not one. */
function numberFrom(text: string): number | null {
  const trimmed = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(',', '.');
  if (trimmed === '') return null;
  if (!/^\d*\.?\d*$/.test(trimmed) || trimmed === '.') return Number.NaN;
  return Number(trimmed);
}

/** The settings the form describes, or the first field that is not valid. */
export function operatorSettingsFrom(
  form: Form,
): { ok: true; settings: OperatorBudgetSettings } | { ok: false; field: FieldName } {
  const dollars = (text: string) => {
    const value = numberFrom(text);
    return value === null ? null : Math.round(value * 1_000_000);
  };
  const dayMicrousd = dollars(form.day);
  if (Number.isNaN(dayMicrousd)) return { ok: false, field: 'day' };
  const monthMicrousd = dollars(form.month);
  if (Number.isNaN(monthMicrousd)) return { ok: false, field: 'month' };
  const parts = form.thresholds
    .split(/[;,\s]+/)
    .map((part) => part.replace('%', ''))
    .filter((part) => part !== '');
  const thresholds = parts.map(Number);
  const validThresholds =
    thresholds.length <= 10 &&
    thresholds.every((value) => Number.isInteger(value) && value >= 1 && value <= 100) &&
    new Set(thresholds).size === thresholds.length;
  if (!validThresholds) return { ok: false, field: 'thresholds' };
  const spendJumpMultiple = numberFrom(form.spendJump);
  if (spendJumpMultiple !== null && !(spendJumpMultiple >= 1.5 && spendJumpMultiple <= 1000)) {
    return { ok: false, field: 'spendJump' };
  }
  return {
    ok: true,
    settings: {
      dayMicrousd,
      monthMicrousd,
      thresholds: thresholds.sort((a, b) => a - b),
      hardCap: form.hardCap,
      spendJumpMultiple,
    },
  };
}

export function OperatorBudgetForm() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const messageId = `${id}-message`;
  const [budget, setBudget] = useState<OperatorBudgetView | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string; field?: FieldName } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let current = true;
    api
      .operatorBudget()
      .then((loaded) => {
        if (!current) return;
        setBudget(loaded);
        setForm(formOf(loaded));
      })
      .catch((error: unknown) => current && setMessage({ kind: 'error', text: errorMessage(t, error) }));
    return () => {
      current = false;
    };
  }, [t]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    setMessage(null);
    const parsed = operatorSettingsFrom(form);
    if (!parsed.ok) {
      const text =
        parsed.field === 'thresholds'
          ? t('admin.operatorBudget.invalidThresholds')
          : parsed.field === 'spendJump'
            ? t('admin.operatorBudget.invalidMultiple')
            : t('admin.operatorBudget.invalidAmount', { field: t(`admin.operatorBudget.${parsed.field}`) });
      setMessage({ kind: 'error', text, field: parsed.field });
      return;
    }
    setSaving(true);
    try {
      const saved = await api.saveOperatorBudget(parsed.settings);
      setBudget(saved);
      setForm(formOf(saved));
      setMessage({ kind: 'success', text: t('admin.operatorBudget.saved') });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setSaving(false);
    }
  };

  const spentLine = (spent: number, limit: number | null, key: 'spentDay' | 'spentMonth') =>
    limit === null
      ? t(`admin.operatorBudget.${key}NoLimit`, { spent: format.money(spent) })
      : t(`admin.operatorBudget.${key}`, { spent: format.money(spent), limit: format.money(limit) });

  const invalid = (field: FieldName) => (message?.field === field ? messageId : null);
  const update = (change: Partial<Form>) => setForm((current) => (current ? { ...current, ...change } : current));

  return (
    <section id="operator-budget" className="card" aria-labelledby={`${id}-title`} data-testid="operator-budget">
      <h2 id={`${id}-title`}>{t('admin.operatorBudget.title')}</h2>
      <p className="muted">{t('admin.operatorBudget.intro')}</p>
      {budget && (
        <ul className="budget-spent" data-testid="operator-budget-spent">
          <li>{spentLine(budget.spent.dayMicrousd, budget.dayMicrousd, 'spentDay')}</li>
          <li>{spentLine(budget.spent.monthMicrousd, budget.monthMicrousd, 'spentMonth')}</li>
          <li className="muted">{t('admin.operatorBudget.timezone', { zone: budget.timezone })}</li>
        </ul>
      )}
      {form && (
        <form onSubmit={save} noValidate>
          <div className="budget-form">
            <Field label={t('admin.operatorBudget.day')} errorId={invalid('day')}>
              {(control) => (
                <input
                  {...control}
                  inputMode="decimal"
                  value={form.day}
                  onChange={(event) => update({ day: event.target.value })}
                  data-testid="operator-budget-day"
                />
              )}
            </Field>
            <Field label={t('admin.operatorBudget.month')} errorId={invalid('month')}>
              {(control) => (
                <input
                  {...control}
                  inputMode="decimal"
                  value={form.month}
                  onChange={(event) => update({ month: event.target.value })}
                  data-testid="operator-budget-month"
                />
              )}
            </Field>
          </div>
          <Field
            label={t('admin.operatorBudget.thresholds')}
            hint={t('admin.operatorBudget.thresholdsHint')}
            errorId={invalid('thresholds')}
          >
            {(control) => (
              <input
                {...control}
                value={form.thresholds}
                onChange={(event) => update({ thresholds: event.target.value })}
                data-testid="operator-budget-thresholds"
              />
            )}
          </Field>
          <div className="field">
            <label>
              <input
                type="checkbox"
                checked={form.hardCap}
                onChange={(event) => update({ hardCap: event.target.checked })}
                aria-describedby={`${id}-hard-cap-hint`}
                data-testid="operator-budget-hard-cap"
              />{' '}
              {t('admin.operatorBudget.hardCap')}
            </label>
            <p id={`${id}-hard-cap-hint`} className="field-hint">
              {t('admin.operatorBudget.hardCapHint')}
            </p>
          </div>
          <Field
            label={t('admin.operatorBudget.spendJump')}
            hint={t('admin.operatorBudget.spendJumpHint')}
            errorId={invalid('spendJump')}
          >
            {(control) => (
              <input
                {...control}
                inputMode="decimal"
                value={form.spendJump}
                onChange={(event) => update({ spendJump: event.target.value })}
                data-testid="operator-budget-spend-jump"
              />
            )}
          </Field>
          {message && (
            <Notice kind={message.kind} id={messageId}>
              {message.text}
            </Notice>
          )}
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={saving}>
              {saving ? t('common.saving') : t('admin.operatorBudget.save')}
            </button>
          </div>
        </form>
      )}
      {!form && message && (
        <Notice kind={message.kind} id={messageId}>
          {message.text}
        </Notice>
      )}
    </section>
  );
}
