// Admin › Plans ("Abonnements"): the plans (offered and retired) and their form, who may spend the
// global keys and the other billing settings, and plans granted by hand. With Stripe off, how to
// turn it on.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminUser, BillingSettingsView, PlanView } from '../api/types.ts';
import { BillingSettingsForm } from '../billing/billing-settings-form.tsx';
import { GrantPlanForm } from '../billing/grant-plan-form.tsx';
import { PlanForm } from '../billing/plan-form.tsx';
import { PlansTable } from '../billing/plans-table.tsx';
import { StripeOffNotice } from '../billing/stripe-off-notice.tsx';
import { Notice } from '../components/notice.tsx';
import { useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';

export function AdminPlansPage() {
  const { t } = useTranslation();
  const { catalog } = useCatalog();
  const [plans, setPlans] = useState<PlanView[] | null>(null);
  const [settings, setSettings] = useState<BillingSettingsView | null>(null);
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  useDocumentTitle(t('adminBilling.title'));

  const fail = useCallback((error: unknown) => setMessage({ kind: 'error', text: errorMessage(t, error) }), [t]);

  useEffect(() => {
    api
      .adminPlans()
      .then((list) => setPlans(list.plans))
      .catch(fail);
    api.billingSettings().then(setSettings).catch(fail);
    api
      .users()
      .then((list) => setUsers(list.users))
      .catch(fail);
  }, [fail]);

  const saved = (plan: PlanView, created: boolean) => {
    setPlans((list) => (created ? [...(list ?? []), plan] : (list ?? []).map((p) => (p.id === plan.id ? plan : p))));
    setEditing(null);
    setMessage({
      kind: 'success',
      text: t(created ? 'adminBilling.plan.created' : 'adminBilling.plan.saved', { name: plan.name }),
    });
  };

  const setActive = async (plan: PlanView, active: boolean) => {
    setMessage(null);
    try {
      const updated = await api.updatePlan(plan.id, { active });
      setPlans((list) => (list ?? []).map((p) => (p.id === updated.id ? updated : p)));
      setMessage({
        kind: 'success',
        text: t(active ? 'adminBilling.plan.reactivated' : 'adminBilling.plan.retiredDone', { name: plan.name }),
      });
    } catch (error) {
      fail(error);
    }
  };

  const editingPlan = plans?.find((plan) => plan.id === editing) ?? null;
  const enabled = settings?.enabled ?? false;
  const currencies = (plans ?? []).flatMap((plan) =>
    [plan.prices.month, plan.prices.year].flatMap((price) => (price ? [price.currency] : [])),
  );

  return (
    <div className="page admin-page">
      <h1>{t('adminBilling.title')}</h1>
      <p className="muted">{t('adminBilling.intro')}</p>
      {settings && !settings.enabled && <StripeOffNotice />}
      {message && <Notice kind={message.kind}>{message.text}</Notice>}

      <h2>{t('adminBilling.plansTitle')}</h2>
      {plans === null || settings === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <PlansTable
            plans={plans}
            catalog={catalog}
            editing={editing}
            onEdit={setEditing}
            onActive={(plan, active) => void setActive(plan, active)}
          />
          {editingPlan && (
            <PlanForm
              key={editingPlan.id}
              plan={editingPlan}
              catalog={catalog}
              stripeEnabled={enabled}
              onSaved={(plan) => saved(plan, false)}
              onCancel={() => setEditing(null)}
            />
          )}
          <PlanForm plan={null} catalog={catalog} stripeEnabled={enabled} onSaved={(plan) => saved(plan, true)} />
          <BillingSettingsForm settings={settings} planCurrencies={currencies} onSaved={setSettings} />
          {users && <GrantPlanForm users={users} plans={plans} />}
        </>
      )}
    </div>
  );
}
