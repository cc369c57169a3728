// Admin › Plans: create or edit a plan. Its Stripe prices are given by id; the amount and currency
// are Stripe's, shown once the server has read them. Budgets apply on the global keys to the plan's
// users; models are all, or a list from the catalogue.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { PlanBody, PlanView } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import type { Catalog } from '../components/use-catalog.ts';
import { useFormat } from '../format.ts';
import { BudgetFields } from '../limits/budget-fields.tsx';
import { billingProviderName, type Interval, priceText } from './billing-text.ts';
import { type PlanFormError, planBodyOf, planFormOf } from './plan-form-state.ts';
import { PlanModelsField } from './plan-models-field.tsx';

const INTERVALS: Interval[] = ['month', 'year'];
const PRICE_FIELD = { month: 'monthPriceId', year: 'yearPriceId' } as const;

export function PlanForm({
  plan,
  catalog,
  stripeEnabled,
  onSaved,
  onCancel,
}: {
  /** The plan edited; null: a new one. */
  plan: PlanView | null;
  catalog: Catalog | null;
  stripeEnabled: boolean;
  onSaved: (saved: PlanView) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const messageId = `${id}-message`;
  const [form, setForm] = useState(() => planFormOf(plan));
  const [message, setMessage] = useState<{ text: string; error?: PlanFormError } | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const built = planBodyOf(form, plan);
    if (!built.ok) {
      const { error } = built;
      const text =
        error.field === 'budget'
          ? t('admin.limits.invalidAmount', { field: t(`admin.limits.${error.budgetField}`) })
          : t(`adminBilling.plan.invalid.${error.field}`);
      setMessage({ text, error });
      return;
    }
    setSaving(true);
    try {
      const saved = plan ? await api.updatePlan(plan.id, built.body) : await api.createPlan(built.body as PlanBody);
      if (!plan) setForm(planFormOf(null));
      onSaved(saved);
    } catch (error) {
      setMessage({ text: errorMessage(t, error, billingProviderName) });
    } finally {
      setSaving(false);
    }
  };

  const invalid = (field: PlanFormError['field']) => (message?.error?.field === field ? messageId : null);
  const title = plan ? t('adminBilling.plan.editTitle', { name: plan.name }) : t('adminBilling.plan.createTitle');

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid={plan ? 'plan-edit' : 'plan-create'}>
      <h2 id={`${id}-title`}>{title}</h2>
      <form onSubmit={save} noValidate className="form-stack">
        <Field label={t('adminBilling.plan.name')} errorId={invalid('name')}>
          {(control) => (
            <input
              {...control}
              value={form.name}
              onChange={(event) => setForm({ ...form, name: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('adminBilling.plan.description')}>
          {(control) => (
            <textarea
              {...control}
              rows={2}
              value={form.description}
              onChange={(event) => setForm({ ...form, description: event.target.value })}
            />
          )}
        </Field>
        {INTERVALS.map((interval) => {
          const field = PRICE_FIELD[interval];
          const read = plan?.prices[interval];
          const shown = read && read.stripePriceId === form[field].trim() ? read : null;
          return (
            <Field
              key={interval}
              label={t(`adminBilling.plan.price.${interval}`)}
              hint={
                shown
                  ? t('adminBilling.plan.priceRead', { price: priceText(t, shown, interval, format.locale) })
                  : stripeEnabled
                    ? t('adminBilling.plan.priceHint')
                    : t('adminBilling.plan.priceOff')
              }
            >
              {(control) => (
                <input
                  {...control}
                  placeholder="price_…"
                  spellCheck={false}
                  autoComplete="off"
                  disabled={!stripeEnabled && !form[field]}
                  value={form[field]}
                  onChange={(event) => setForm({ ...form, [field]: event.target.value })}
                />
              )}
            </Field>
          );
        })}
        <fieldset>
          <legend>{t('adminBilling.plan.budgets')}</legend>
          <p className="muted">{t('adminBilling.plan.budgetsHint')}</p>
          <BudgetFields
            value={form.budgets}
            onChange={(budgets) => setForm({ ...form, budgets })}
            invalidField={message?.error?.field === 'budget' ? message.error.budgetField : null}
            errorId={messageId}
          />
        </fieldset>
        <PlanModelsField
          catalog={catalog}
          allModels={form.allModels}
          models={form.models}
          onChange={(models) => setForm({ ...form, ...models })}
          errorId={invalid('models')}
        />
        {message && (
          <Notice kind="error" id={messageId}>
            {message.text}
          </Notice>
        )}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving ? t('common.saving') : plan ? t('adminBilling.plan.save') : t('adminBilling.plan.create')}
          </button>
          {onCancel && (
            <button type="button" className="button" onClick={onCancel}>
              {t('common.cancel')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
