// A plan's prices as Stripe has them: the admin names a Stripe price per interval, and its
// amount and currency are read from Stripe's API (never typed twice, DESIGN §6 "Billing"). A price
// a subscription could not be sold at in its slot is refused, naming the field, before anything
// is stored.
import type Stripe from 'stripe';
import type { PlanView } from '../../shared/billing.ts';
import { commonErrors } from '../errors.ts';
import { billingErrors } from './billing-errors.ts';
import { callStripe, isStripeResourceMissing, type StripeClient } from './stripe-client.ts';

type PlanPrice = NonNullable<PlanView['prices']['month']>;
export type PriceInterval = keyof PlanView['prices'];
export type PriceSlots = Record<PriceInterval, { stripePriceId: string } | null>;

const INTERVAL_WORDS: Record<PriceInterval, string> = { month: 'monthly', year: 'yearly' };

/**
 * The slots with Stripe's amount and currency. Stripe off with any price → billing_not_configured;
 * no price at all needs no Stripe (a plan for grants only).
 */
export async function readPlanPrices(
  stripe: StripeClient | null,
  slots: PriceSlots,
): Promise<Record<PriceInterval, PlanPrice | null>> {
  if (slots.month === null && slots.year === null) return { month: null, year: null };
  if (!stripe) throw billingErrors.notConfigured();
  const [month, year] = await Promise.all(
    (['month', 'year'] as const).map((interval) => {
      const slot = slots[interval];
      return slot === null ? null : readPrice(stripe, interval, slot.stripePriceId);
    }),
  );
  return { month: month ?? null, year: year ?? null };
}

async function readPrice(stripe: StripeClient, interval: PriceInterval, id: string): Promise<PlanPrice> {
  const param = `prices.${interval}.stripePriceId`;
  const refuse = (why: string) => commonErrors.invalidParameter(`${param}: the Stripe price ${id} ${why}.`, param);
  const price = await callStripe(`reading the price ${id}`, async () => {
    try {
      return await stripe.prices.retrieve(id);
    } catch (error) {
      if (isStripeResourceMissing(error)) throw refuse('does not exist in this Stripe account');
      throw error;
    }
  });
  const problem = unsellable(price, interval);
  if (problem) throw refuse(problem);
  return { stripePriceId: price.id, amount: price.unit_amount ?? 0, currency: price.currency.toLowerCase() };
}

/** Why a subscription in the `interval` slot cannot be sold at this price, or null. */
function unsellable(price: Stripe.Price, interval: PriceInterval): string | null {
  if (!price.active) return 'is archived (inactive)';
  if (price.recurring === null)
    return `is a one-time price, and a plan needs a recurring ${INTERVAL_WORDS[interval]} one`;
  if (price.recurring.interval !== interval || price.recurring.interval_count !== 1) {
    const every = price.recurring.interval_count === 1 ? '' : `${price.recurring.interval_count} `;
    return `is billed every ${every}${price.recurring.interval}, not every ${interval}`;
  }
  if (price.recurring.usage_type !== 'licensed') return 'is metered, and a plan is a fixed price';
  if (price.unit_amount === null) return 'has no fixed amount (tiered or customer-chosen)';
  return null;
}
