// Admin › Plans' billing settings: who may spend the global keys (everyone, or subscribers plus an
// optional free allowance), the grace days of a past-due subscription, and the exchange rates the
// money view's margin uses.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { BillingPolicy, BillingSettingsView } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { FormFooter } from '../components/form-footer.tsx';
import { BudgetFields } from '../limits/budget-fields.tsx';
import { type BudgetForm, budgetFormOf } from '../limits/budget-form.ts';
import { CurrencyRatesField } from './currency-rates-field.tsx';
import { allowanceFromForm, rateRowsOf, ratesFromRows } from './settings-form-state.ts';

type Message =
  | { kind: 'success'; text: string }
  | { kind: 'error'; text: string; field?: keyof BudgetForm | 'graceDays'; row?: number };

const POLICIES: BillingPolicy[] = ['everyone', 'subscribers'];

export function BillingSettingsForm({
  settings,
  planCurrencies,
  onSaved,
}: {
  settings: BillingSettingsView;
  /** The currencies of the plans' prices, so a missing rate shows. */
  planCurrencies: string[];
  onSaved: (saved: BillingSettingsView) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const messageId = `${id}-message`;
  const [policy, setPolicy] = useState(settings.policy);
  const [allowance, setAllowance] = useState(() => budgetFormOf(settings.freeAllowance));
  const [graceDays, setGraceDays] = useState(String(settings.graceDays));
  const [rows, setRows] = useState(() => rateRowsOf(settings.usdPerCurrency, planCurrencies));
  const [message, setMessage] = useState<Message | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const free = allowanceFromForm(allowance);
    if (!free.ok) {
      const field = t(`admin.limits.${free.field}`);
      setMessage({ kind: 'error', text: t('admin.limits.invalidAmount', { field }), field: free.field });
      return;
    }
    const grace = graceDays.trim();
    if (!/^\d+$/.test(grace) || Number(grace) > 3650) {
      setMessage({ kind: 'error', text: t('adminBilling.settings.invalidGraceDays'), field: 'graceDays' });
      return;
    }
    const rates = ratesFromRows(rows);
    if (!rates.ok) {
      setMessage({ kind: 'error', text: t('adminBilling.settings.invalidRate'), row: rates.row });
      return;
    }
    setSaving(true);
    try {
      const saved = await api.saveBillingSettings({
        policy,
        freeAllowance: free.allowance,
        graceDays: Number(grace),
        usdPerCurrency: rates.rates,
      });
      setRows(rateRowsOf(saved.usdPerCurrency, planCurrencies));
      setMessage({ kind: 'success', text: t('adminBilling.settings.saved') });
      onSaved(saved);
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setSaving(false);
    }
  };

  const refused = message?.kind === 'error' ? message : null;
  const budgetField = refused?.field && refused.field !== 'graceDays' ? refused.field : null;

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="billing-settings">
      <h2 id={`${id}-title`}>{t('adminBilling.settings.title')}</h2>
      <form onSubmit={save} noValidate className="form-stack">
        <fieldset>
          <legend>{t('adminBilling.settings.policy')}</legend>
          <div className="choice-list">
            {POLICIES.map((value) => (
              <label key={value} className="checkbox">
                <input
                  type="radio"
                  name={`${id}-policy`}
                  checked={policy === value}
                  onChange={() => setPolicy(value)}
                />
                {t(`adminBilling.settings.policies.${value}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('adminBilling.settings.freeAllowance')}</legend>
          <p className="muted">{t('adminBilling.settings.freeAllowanceHint')}</p>
          <BudgetFields value={allowance} onChange={setAllowance} invalidField={budgetField} errorId={messageId} />
        </fieldset>
        <Field
          label={t('adminBilling.settings.graceDays')}
          hint={t('adminBilling.settings.graceDaysHint')}
          errorId={refused?.field === 'graceDays' ? messageId : null}
        >
          {(control) => (
            <input
              {...control}
              inputMode="numeric"
              size={6}
              value={graceDays}
              onChange={(event) => setGraceDays(event.target.value)}
            />
          )}
        </Field>
        <CurrencyRatesField rows={rows} onChange={setRows} invalidRow={refused?.row ?? null} errorId={messageId} />
        <FormFooter message={message} messageId={messageId} saving={saving} label={t('adminBilling.settings.save')} />
      </form>
    </section>
  );
}
