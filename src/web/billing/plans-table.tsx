// Admin › Plans' table: every plan, offered or retired, with its prices as Stripe gave them, its
// budgets and models; edit, retire (existing subscribers keep it) or offer it again.
import { useTranslation } from 'react-i18next';
import type { PlanView } from '../api/types.ts';
import { type Column, DataTable } from '../components/data-table.tsx';
import type { Catalog } from '../components/use-catalog.ts';
import { useFormat } from '../format.ts';
import { budgetPhrases, type Interval, modelsText, priceText } from './billing-text.ts';

export function PlansTable({
  plans,
  catalog,
  editing,
  onEdit,
  onActive,
}: {
  plans: PlanView[];
  catalog: Catalog | null;
  editing: string | null;
  onEdit: (planId: string | null) => void;
  onActive: (plan: PlanView, active: boolean) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const price = (plan: PlanView, interval: Interval) => {
    const read = plan.prices[interval];
    return read ? priceText(t, read, interval, format.locale) : t('adminBilling.plan.noPrice');
  };

  const columns: Column<PlanView>[] = [
    {
      key: 'name',
      header: t('adminBilling.plan.name'),
      cell: (plan) => (
        <>
          <strong>{plan.name}</strong>
          {plan.description && <div className="muted small">{plan.description}</div>}
        </>
      ),
    },
    {
      key: 'state',
      header: t('admin.status'),
      cell: (plan) => (
        <span className={`badge ${plan.active ? 'badge-personal' : 'badge-none'}`}>
          {plan.active ? t('adminBilling.plan.active') : t('adminBilling.plan.retired')}
        </span>
      ),
    },
    { key: 'month', header: t('adminBilling.plan.monthly'), cell: (plan) => price(plan, 'month') },
    { key: 'year', header: t('adminBilling.plan.yearly'), cell: (plan) => price(plan, 'year') },
    {
      key: 'budgets',
      header: t('adminBilling.plan.budgets'),
      cell: (plan) => {
        const phrases = budgetPhrases(t, plan.budgets);
        return phrases.length > 0 ? format.list(phrases) : t('billing.noBudget');
      },
    },
    { key: 'models', header: t('adminBilling.plan.models'), cell: (plan) => modelsText(t, plan, catalog, format.list) },
    {
      key: 'actions',
      header: t('admin.actions'),
      className: 'row-actions',
      cell: (plan) => (
        <>
          <button
            type="button"
            className="button button-small"
            aria-expanded={editing === plan.id}
            aria-label={t('adminBilling.plan.editFor', { name: plan.name })}
            onClick={() => onEdit(editing === plan.id ? null : plan.id)}
          >
            {t('admin.limits.edit')}
          </button>
          <button
            type="button"
            className={`button button-small ${plan.active ? 'button-danger-outline' : ''}`}
            aria-label={t(plan.active ? 'adminBilling.plan.retireFor' : 'adminBilling.plan.reactivateFor', {
              name: plan.name,
            })}
            onClick={() => onActive(plan, !plan.active)}
          >
            {plan.active ? t('adminBilling.plan.retire') : t('adminBilling.plan.reactivate')}
          </button>
        </>
      ),
    },
  ];

  return (
    <DataTable
      caption={t('adminBilling.plansTitle')}
      columns={columns}
      rows={plans}
      rowKey={(plan) => plan.id}
      rowTestId="plan-row"
      empty={t('adminBilling.noPlans')}
      wrapperClassName="table-wrap card"
    />
  );
}
