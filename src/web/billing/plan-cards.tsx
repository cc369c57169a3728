// The plans on offer, one card each: what it includes on the shared keys and a Subscribe button per
// price (monthly, yearly) in the price's own currency. The user's current plan is marked; while a
// subscription runs, plans are changed in Stripe's portal, so no card offers to subscribe.
import { useTranslation } from 'react-i18next';
import type { PlanView } from '../api/types.ts';
import type { Catalog } from '../components/use-catalog.ts';
import { useFormat } from '../format.ts';
import { budgetPhrases, type Interval, modelsText, priceText } from './billing-text.ts';

const INTERVALS: Interval[] = ['month', 'year'];

export function PlanCards({
  plans,
  currentPlanId,
  subscribed,
  catalog,
  busy,
  onSubscribe,
}: {
  plans: PlanView[];
  currentPlanId: string | null;
  /** A subscription runs: no card offers to subscribe. */
  subscribed: boolean;
  catalog: Catalog | null;
  /** A checkout is being opened: the buttons wait. */
  busy: boolean;
  onSubscribe: (plan: PlanView, interval: Interval) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  // A plan with no price is only for grants: nothing to subscribe to.
  const offered = plans.filter((plan) => plan.prices.month || plan.prices.year);
  if (offered.length === 0) return <p className="muted">{t('billing.noPlansOffered')}</p>;

  return (
    <ul className="plan-cards">
      {offered.map((plan) => {
        const current = plan.id === currentPlanId;
        const budgets = budgetPhrases(t, plan.budgets);
        return (
          <li key={plan.id} className={`plan-card${current ? ' plan-card-current' : ''}`} data-testid="plan-card">
            <h3>
              {plan.name} {current && <span className="badge badge-global">{t('billing.currentPlan')}</span>}
            </h3>
            {plan.description && <p>{plan.description}</p>}
            <ul className="plan-includes">
              {budgets.length === 0 ? (
                <li>{t('billing.noBudget')}</li>
              ) : (
                budgets.map((phrase) => <li key={phrase}>{phrase}</li>)
              )}
              <li>{modelsText(t, plan, catalog, format.list)}</li>
            </ul>
            <div className="plan-prices">
              {INTERVALS.map((interval) => {
                const price = plan.prices[interval];
                if (!price) return null;
                const text = priceText(t, price, interval, format.locale);
                return subscribed ? (
                  <p key={interval} className="plan-price">
                    {text}
                  </p>
                ) : (
                  <button
                    key={interval}
                    type="button"
                    className="button button-primary"
                    disabled={busy}
                    aria-label={t('billing.subscribeTo', { plan: plan.name, price: text })}
                    onClick={() => onSubscribe(plan, interval)}
                  >
                    {t('billing.subscribe', { price: text })}
                  </button>
                );
              })}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
