// Profile › Subscription (anchor #billing, where refusals of the shared keys link to): the user's
// plan, and with Stripe on, the plans to subscribe to (Stripe Checkout) and the button to manage or
// cancel (Stripe's Customer Portal). Back from Checkout it waits for Stripe's confirmation.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { ApiError, api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { PlanView } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';
import type { Catalog } from '../components/use-catalog.ts';
import { billingProviderName, type Interval } from './billing-text.ts';
import { CurrentPlan } from './current-plan.tsx';
import { PlanCards } from './plan-cards.tsx';
import { BILLING_ANCHOR, hasCustomer, SUBSCRIBED, useBilling } from './use-billing.ts';
import { useCheckoutReturn } from './use-checkout-return.ts';

/** Leaves WeBox for Stripe's page; only a web address is followed. */
export function goTo(url: string) {
  if (/^https?:\/\//i.test(url)) window.location.assign(url);
}

export function BillingSection({
  catalog,
  redirect = goTo,
  pollIntervalMs,
}: {
  catalog: Catalog | null;
  /** Where Stripe's addresses are opened (tests record them). */
  redirect?: (url: string) => void;
  pollIntervalMs?: number;
}) {
  const { t } = useTranslation();
  const { hash } = useLocation();
  const { billing, setBilling, plans, error } = useBilling();
  const checkout = useCheckoutReturn({ onBilling: setBilling, intervalMs: pollIntervalMs });
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const loaded = billing !== null;

  // The section appears after the page: follow the anchor once it is there.
  useEffect(() => {
    if (loaded && hash === `#${BILLING_ANCHOR}`) document.getElementById(BILLING_ANCHOR)?.scrollIntoView?.();
  }, [loaded, hash]);

  const open = async (call: () => Promise<{ url: string }>) => {
    setFailure(null);
    setBusy(true);
    try {
      redirect((await call()).url);
    } catch (caught) {
      setFailure(
        caught instanceof ApiError && caught.code === 'no_customer'
          ? t('billing.noCustomer')
          : errorMessage(t, caught, billingProviderName),
      );
    } finally {
      setBusy(false);
    }
  };
  const subscribe = (plan: PlanView, interval: Interval) => open(() => api.checkout(plan.id, interval));

  const plan = billing?.plan ? (plans?.find((item) => item.id === billing.plan?.id) ?? null) : null;
  const subscribed = billing ? SUBSCRIBED.has(billing.status) : false;

  return (
    <section className="card" id={BILLING_ANCHOR} aria-labelledby="billing-title" tabIndex={-1}>
      <h2 id="billing-title">{t('billing.title')}</h2>
      {checkout === 'waiting' && <Notice kind="info">{t('billing.checkout.waiting')}</Notice>}
      {checkout === 'confirmed' && (
        <Notice kind="success">{t('billing.checkout.confirmed', { plan: billing?.plan?.name ?? '' })}</Notice>
      )}
      {checkout === 'timeout' && <Notice kind="warning">{t('billing.checkout.timeout')}</Notice>}
      {checkout === 'canceled' && <Notice kind="info">{t('billing.checkout.canceled')}</Notice>}
      {error !== null && <Notice kind="error">{errorMessage(t, error, billingProviderName)}</Notice>}
      {failure && <Notice kind="error">{failure}</Notice>}
      {!billing ? (
        error === null && <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <CurrentPlan billing={billing} plan={plan} catalog={catalog} />
          {billing.enabled && hasCustomer(billing) && (
            <div className="form-actions">
              <button type="button" className="button" disabled={busy} onClick={() => void open(api.portal)}>
                {t('billing.manage')}
              </button>
            </div>
          )}
          {billing.enabled && plans && (
            <>
              <h3 className="section-subtitle">{t('billing.plansTitle')}</h3>
              {subscribed && <p className="muted">{t('billing.changeInPortal')}</p>}
              <PlanCards
                plans={plans}
                currentPlanId={billing.plan?.id ?? null}
                subscribed={subscribed}
                catalog={catalog}
                busy={busy}
                onSubscribe={(chosen, interval) => void subscribe(chosen, interval)}
              />
            </>
          )}
        </>
      )}
    </section>
  );
}
