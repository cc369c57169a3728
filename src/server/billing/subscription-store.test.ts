// Reading Stripe's objects across API versions (the period on the subscription or on its items; an
// invoice's subscription at the top or under parent.subscription_details), and what each status
// gives (DESIGN §6: incomplete shows as none, incomplete_expired as canceled, paused as unpaid).
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { PlanView } from '../../shared/billing.ts';
import { subscriptionAccess } from './billing-access.ts';
import { invoiceSubscriptionId, type SubscriptionRow, subscriptionStateOf } from './subscription-store.ts';

const price = { id: 'price_month', unit_amount: 900, currency: 'EUR', recurring: { interval: 'month' } };
const subscription = (fields: Record<string, unknown>, item: Record<string, unknown> = {}) =>
  ({
    id: 'sub_1',
    customer: 'cus_1',
    status: 'active',
    cancel_at_period_end: false,
    items: { data: [{ price, quantity: 2, ...item }] },
    ...fields,
  }) as unknown as Stripe.Subscription;

const plan: PlanView = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Pro',
  description: '',
  active: false,
  prices: { month: { stripePriceId: 'price_month', amount: 900, currency: 'eur' }, year: null },
  budgets: { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null },
  models: null,
};

const now = new Date('2026-06-15T12:00:00Z');
const row = (fields: Partial<SubscriptionRow>): SubscriptionRow => ({
  id: 'sub_1',
  userId: 'user-1',
  stripeCustomerId: 'cus_1',
  planId: null,
  stripePriceId: 'price_month',
  interval: 'month',
  amount: 900,
  currency: 'eur',
  status: 'active',
  currentPeriodEnd: new Date('2026-07-01T00:00:00Z'),
  cancelAtPeriodEnd: false,
  pastDueSince: null,
  pastDueInvoiceId: null,
  sourceCreated: 0,
  updatedAt: now,
  ...fields,
});

describe('subscriptionStateOf', () => {
  it('reads the period from the item (API 2025+) or from the subscription (older versions)', () => {
    expect(subscriptionStateOf(subscription({}, { current_period_end: 1_800_000_000 }))).toEqual({
      id: 'sub_1',
      stripeCustomerId: 'cus_1',
      stripePriceId: 'price_month',
      interval: 'month',
      amount: 1800,
      currency: 'eur',
      status: 'active',
      currentPeriodEnd: new Date(1_800_000_000_000),
      cancelAtPeriodEnd: false,
    });
    const legacy = subscriptionStateOf(subscription({ current_period_end: 1_700_000_000 }));
    expect(legacy.currentPeriodEnd).toEqual(new Date(1_700_000_000_000));
  });

  it('takes an expanded customer, and no interval it does not know', () => {
    const state = subscriptionStateOf(
      subscription({ customer: { id: 'cus_2' } }, { price: { ...price, recurring: { interval: 'week' } } }),
    );
    expect(state).toMatchObject({ stripeCustomerId: 'cus_2', interval: null });
  });
});

describe('invoiceSubscriptionId', () => {
  it('reads parent.subscription_details (API 2025+) or the top-level field', () => {
    const modern = { parent: { subscription_details: { subscription: 'sub_new' } } } as unknown as Stripe.Invoice;
    const legacy = { parent: null, subscription: { id: 'sub_old' } } as unknown as Stripe.Invoice;
    expect(invoiceSubscriptionId(modern)).toBe('sub_new');
    expect(invoiceSubscriptionId(legacy)).toBe('sub_old');
    expect(invoiceSubscriptionId({ parent: null } as unknown as Stripe.Invoice)).toBeNull();
  });
});

describe('subscriptionAccess', () => {
  const access = (fields: Partial<SubscriptionRow>, graceDays = 3) =>
    subscriptionAccess(row(fields), [plan], graceDays, now);

  it("shows Stripe's statuses as WeBox does, and opens only active and trialing ones (a retired plan too)", () => {
    const seen = ['active', 'trialing', 'incomplete', 'incomplete_expired', 'paused', 'unpaid', 'canceled'].map(
      (status) => {
        const { status: shown, opens, plan: found } = access({ status });
        return [status, shown, opens, found?.id ?? null];
      },
    );
    expect(seen).toEqual([
      ['active', 'active', true, plan.id],
      ['trialing', 'trialing', true, plan.id],
      ['incomplete', 'none', false, null],
      ['incomplete_expired', 'canceled', false, null],
      ['paused', 'unpaid', false, plan.id],
      ['unpaid', 'unpaid', false, plan.id],
      ['canceled', 'canceled', false, null],
    ]);
  });

  it('opens nothing for a price no plan has', () => {
    expect(access({ stripePriceId: 'price_other' })).toMatchObject({ opens: false, plan: null });
  });

  it('past due: open for graceDays after the first failure, then closed; 0 days closes at once', () => {
    const failed = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);
    expect(access({ status: 'past_due', pastDueSince: failed(71) }).opens).toBe(true);
    expect(access({ status: 'past_due', pastDueSince: failed(72) }).opens).toBe(false);
    expect(access({ status: 'past_due', pastDueSince: failed(0) }, 0).opens).toBe(false);
  });

  it('cancelled at period end: open until that end, closed past it', () => {
    expect(access({ cancelAtPeriodEnd: true }).opens).toBe(true);
    expect(access({ cancelAtPeriodEnd: true, currentPeriodEnd: new Date(now.getTime() - 1) }).opens).toBe(false);
    expect(access({ cancelAtPeriodEnd: false, currentPeriodEnd: new Date(now.getTime() - 1) }).opens).toBe(true);
  });
});
