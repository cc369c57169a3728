// The user's plan as it stands: its name and status in words, when it renews or ends, what it
// includes on the shared keys, and whether those keys are open to the user now and why.
import { useTranslation } from 'react-i18next';
import type { BillingView, PlanView } from '../api/types.ts';
import type { Catalog } from '../components/use-catalog.ts';
import { useFormat } from '../format.ts';
import { accessText, budgetPhrases, modelsText, periodText, statusText } from './billing-text.ts';

export function CurrentPlan({
  billing,
  plan,
  catalog,
}: {
  billing: BillingView;
  /** The plan's details, when it is on offer (a retired plan is not listed). */
  plan: PlanView | null;
  catalog: Catalog | null;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const period = periodText(t, billing, format.date);
  const budgets = plan ? budgetPhrases(t, plan.budgets) : [];

  return (
    <dl className="status-list" data-testid="current-plan">
      <div className="status-row">
        <dt>{t('billing.plan')}</dt>
        <dd>{billing.plan?.name ?? t('billing.noPlan')}</dd>
      </div>
      <div className="status-row">
        <dt>{t('billing.statusLabel')}</dt>
        <dd data-testid="billing-status">{statusText(t, billing.status)}</dd>
      </div>
      {period && (
        <div className="status-row">
          <dt>{t('billing.period')}</dt>
          <dd>{period}</dd>
        </div>
      )}
      {plan && (
        <div className="status-row">
          <dt>{t('billing.includes')}</dt>
          <dd>
            {budgets.length > 0 ? format.list(budgets) : t('billing.noBudget')}
            {' · '}
            {modelsText(t, plan, catalog, format.list)}
          </dd>
        </div>
      )}
      <div className="status-row">
        <dt>{t('billing.sharedKeys')}</dt>
        <dd data-testid="global-access">
          <span className={`badge ${billing.globalAccess.allowed ? 'badge-global' : 'badge-none'}`}>
            {billing.globalAccess.allowed ? t('billing.open') : t('billing.closed')}
          </span>{' '}
          {accessText(t, billing)}
        </dd>
      </div>
    </dl>
  );
}
