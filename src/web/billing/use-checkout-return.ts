// Back from Stripe Checkout: `?checkout=success` waits for Stripe's confirmation (the webhook) by
// reading GET /api/billing again every few seconds until the subscription is active, for about two
// minutes; `?checkout=cancel` says nothing was charged.
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { BillingView } from '../api/types.ts';

export type CheckoutReturn = 'waiting' | 'confirmed' | 'timeout' | 'canceled' | null;

const confirmed = (billing: BillingView) => billing.status === 'active' || billing.status === 'trialing';

export function useCheckoutReturn({
  onBilling,
  intervalMs = 2000,
  attempts = 60,
}: {
  /** Each billing read while waiting, so the page shows the newest. */
  onBilling: (billing: BillingView) => void;
  intervalMs?: number;
  /** How many reads before giving up (60 × 2 s: two minutes). */
  attempts?: number;
}): CheckoutReturn {
  const [params] = useSearchParams();
  const checkout = params.get('checkout');
  const [state, setState] = useState<CheckoutReturn>(null);
  const onBillingRef = useRef(onBilling);
  onBillingRef.current = onBilling;

  useEffect(() => {
    if (checkout === 'cancel') setState('canceled');
    if (checkout !== 'success') return;
    setState('waiting');
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reads = 0;
    const poll = async () => {
      reads += 1;
      try {
        const billing = await api.billing();
        if (stopped) return;
        onBillingRef.current(billing);
        if (confirmed(billing)) {
          setState('confirmed');
          return;
        }
      } catch {
        // A failed read is one more try, not the end of the wait.
      }
      if (stopped) return;
      if (reads >= attempts) setState('timeout');
      else timer = setTimeout(() => void poll(), intervalMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [checkout, intervalMs, attempts]);

  return state;
}
