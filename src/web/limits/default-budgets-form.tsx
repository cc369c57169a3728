// Admin › Users' default budgets: what every user without their own gets, per key source (an empty
// field is no limit), the shortest answer worth giving when a budget is nearly spent, the default
// rate limits, and where rate limits are counted.

import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeySourceName } from '../../shared/limits.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminLimits, DefaultLimits } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { FormFooter } from '../components/form-footer.tsx';
import { announceFirstRunChange } from '../first-run/admin-notices.tsx';
import { useFormat } from '../format.ts';
import { BudgetFields } from './budget-fields.tsx';
import { type BudgetForm, budgetFormOf, budgetFromForm } from './budget-form.ts';
import { fieldLabel } from './budget-text.ts';

type Message = {
  kind: 'error' | 'success';
  text: string;
  field?: { source: KeySourceName; name: keyof BudgetForm };
  /** The shortest-answer field was refused. */
  minimum?: boolean;
};

/** A whole number of tokens from 1 to 1,000,000 (what the server takes), or null when it is not one. */
function tokensFrom(text: string): number | null {
  const trimmed = text.trim().replace(/[\s\u202f\u00a0]/g, '');
  if (!/^\d{1,7}$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= 1 && value <= 1_000_000 ? value : null;
}

/** Where rate limits are counted, and why memory matters with several instances. */
function LimitsStore({ store }: { store: AdminLimits['store'] }) {
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
  const messageId = `${id}-message`;
  const fallback = limits.default;
  const [forms, setForms] = useState(() => ({
    global: budgetFormOf(fallback.budgets.global),
    personal: budgetFormOf(fallback.budgets.personal),
  }));
  const [minimum, setMinimum] = useState(() => String(fallback.minUsefulOutputTokens));
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
        const field = fieldLabel(t, `${source}.${parsed.field}`);
        setMessage({
          kind: 'error',
          text: t('admin.limits.invalidAmount', { field }),
          field: { source, name: parsed.field },
        });
        return;
      }
    }
    if (!global.ok || !personal.ok) return;
    const minUsefulOutputTokens = tokensFrom(minimum);
    if (minUsefulOutputTokens === null) {
      setMessage({ kind: 'error', text: t('admin.limits.invalidMinimum'), minimum: true });
      return;
    }
    setSaving(true);
    try {
      const saved = await api.saveDefaultLimits({
        global: global.limits,
        personal: personal.limits,
        minUsefulOutputTokens,
      });
      setForms({ global: budgetFormOf(saved.budgets.global), personal: budgetFormOf(saved.budgets.personal) });
      setMinimum(String(saved.minUsefulOutputTokens));
      setMessage({ kind: 'success', text: t('admin.limits.savedDefault') });
      onSaved(saved);
      announceFirstRunChange();
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section id="default-budgets" className="card" aria-labelledby={`${id}-title`} data-testid="default-budgets">
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
                invalidField={message?.field?.source === source ? message.field.name : null}
                errorId={messageId}
              />
            </fieldset>
          ))}
        </div>
        <Field
          label={t('admin.limits.minimum')}
          hint={t('admin.limits.minimumHint')}
          errorId={message?.minimum ? messageId : null}
        >
          {(control) => (
            <input
              {...control}
              inputMode="numeric"
              value={minimum}
              onChange={(event) => setMinimum(event.target.value)}
              data-testid="default-minimum-output"
            />
          )}
        </Field>
        <FormFooter message={message} messageId={messageId} saving={saving} label={t('admin.limits.saveDefault')} />
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
