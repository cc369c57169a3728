// The signed-in user's billing (GET /api/billing) and the plans on offer (GET /api/plans), loaded
// together: the profile's section and the chat's model marks read both.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { BillingView, PlanView } from '../api/types.ts';

/** The profile section's anchor: refusals of the shared keys link to /profile#billing. */
export const BILLING_ANCHOR = 'billing';

export function useBilling() {
  const [billing, setBilling] = useState<BillingView | null>(null);
  const [plans, setPlans] = useState<PlanView[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const [mine, offered] = await Promise.all([api.billing(), api.plans()]);
      setBilling(mine);
      setPlans(offered.plans);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { billing, setBilling, plans, error, reload };
}

/** Statuses under which the user has a Stripe subscription (and so a customer and a portal). */
export const SUBSCRIBED = new Set<BillingView['status']>(['active', 'trialing', 'past_due', 'unpaid']);

/** Whether Stripe's Customer Portal has something to show: a subscription now or before. */
export const hasCustomer = (billing: BillingView) => SUBSCRIBED.has(billing.status) || billing.status === 'canceled';
