// Admin › Plans: give a user a plan by hand, with no Stripe involved (a school gives its teachers
// the Pro plan), until a date or with no end; or take a grant back. Shows the user's billing after.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminUser, PlanView } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useFormat } from '../format.ts';
import { periodText, statusText } from './billing-text.ts';

/** The end of the chosen day where the admin is: a grant "until 14 July" includes the 14th. */
const endOfDay = (day: string) => new Date(`${day}T23:59:59`).toISOString();

export function GrantPlanForm({ users, plans }: { users: AdminUser[]; plans: PlanView[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const offered = plans.filter((plan) => plan.active);
  const [userId, setUserId] = useState('');
  const [planId, setPlanId] = useState('');
  const [until, setUntil] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent, remove: boolean) => {
    event.preventDefault();
    setMessage(null);
    const user = users.find((item) => item.id === userId);
    if (!user || (!remove && !planId)) {
      setMessage({ kind: 'error', text: t('adminBilling.grant.choose') });
      return;
    }
    setSaving(true);
    try {
      const billing = await api.grantPlan(
        user.id,
        remove ? { planId: null } : { planId, until: until ? endOfDay(until) : null },
      );
      const period = periodText(t, billing, format.date);
      const state = [billing.plan?.name ?? t('billing.noPlan'), statusText(t, billing.status), period]
        .filter(Boolean)
        .join(' · ');
      setMessage({
        kind: 'success',
        text: t(remove ? 'adminBilling.grant.removed' : 'adminBilling.grant.granted', { name: user.name, state }),
      });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="grant-plan">
      <h2 id={`${id}-title`}>{t('adminBilling.grant.title')}</h2>
      <p className="muted">{t('adminBilling.grant.intro')}</p>
      <form onSubmit={(event) => void submit(event, false)} noValidate className="form-stack">
        <div className="grant-fields">
          <Field label={t('adminBilling.grant.user')}>
            {(control) => (
              <select {...control} value={userId} onChange={(event) => setUserId(event.target.value)}>
                <option value="">{t('adminBilling.grant.chooseUser')}</option>
                {users.map((user) => (
                  <option key={user.id} value={user.id}>{`${user.name} (${user.email})`}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('adminBilling.grant.plan')}>
            {(control) => (
              <select {...control} value={planId} onChange={(event) => setPlanId(event.target.value)}>
                <option value="">{t('adminBilling.grant.choosePlan')}</option>
                {offered.map((plan) => (
                  <option key={plan.id} value={plan.id}>
                    {plan.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('adminBilling.grant.until')} hint={t('adminBilling.grant.untilHint')}>
            {(control) => (
              <input {...control} type="date" value={until} onChange={(event) => setUntil(event.target.value)} />
            )}
          </Field>
        </div>
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={saving}>
            {t('adminBilling.grant.submit')}
          </button>
          <button type="button" className="button" disabled={saving} onClick={(event) => void submit(event, true)}>
            {t('adminBilling.grant.remove')}
          </button>
        </div>
      </form>
    </section>
  );
}
