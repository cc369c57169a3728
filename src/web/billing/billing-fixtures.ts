// Plans and billing answers for the billing components' tests.
import type { BillingView, PlanView } from '../api/types.ts';
import type { Catalog } from '../components/use-catalog.ts';

export const noBudget = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };

export const proPlan: PlanView = {
  id: 'p-pro',
  name: 'Pro',
  description: 'For daily use',
  active: true,
  prices: {
    month: { stripePriceId: 'price_m', amount: 900, currency: 'eur' },
    year: { stripePriceId: 'price_y', amount: 9000, currency: 'eur' },
  },
  budgets: { ...noBudget, monthMicrousd: 20_000_000 },
  models: ['openai/gpt-4o-mini'],
};

export const teamPlan: PlanView = {
  id: 'p-team',
  name: 'Team',
  description: '',
  active: true,
  prices: { month: { stripePriceId: 'price_t', amount: 2500, currency: 'usd' }, year: null },
  budgets: noBudget,
  models: null,
};

export const billingOf = (overrides: Partial<BillingView> = {}): BillingView => ({
  enabled: true,
  policy: 'subscribers',
  plan: null,
  status: 'none',
  currentPeriodEnd: null,
  cancelAtPeriodEnd: false,
  grantedUntil: null,
  globalAccess: { allowed: false, reason: 'no_subscription' },
  ...overrides,
});

export const catalog: Catalog = {
  providers: [
    {
      id: 'openai',
      name: 'OpenAI',
      keyHint: 'sk-',
      models: [
        { id: 'gpt-4o-mini', name: 'GPT-4o mini' },
        { id: 'gpt-4o', name: 'GPT-4o' },
      ],
    },
  ],
  keys: [{ provider: 'openai', source: 'global', personal: null, global: { configured: true } }],
};
