// The billing module as app.billing: its store, the access decisions the completion gate and
// GET /api/billing read (cached, invalidated across instances), and the Stripe client (null when
// billing is off: plans and grants work without it).
import fastifyPlugin from 'fastify-plugin';
import type { BudgetFallback } from '../metering/limit-policies.ts';
import { type BillingAccess, createBillingAccess } from './billing-access.ts';
import { budgetFallbackOf } from './billing-budgets.ts';
import { type BillingActor, type BillingStore, createBillingStore } from './billing-store.ts';
import { createStripeClient, type StripeClient } from './stripe-client.ts';
import { createSubscriptionStore, type SubscriptionStore } from './subscription-store.ts';

export interface Billing {
  store: BillingStore;
  /** Stripe's side: subscriptions, customers, applied events, paid invoices. */
  subscriptions: SubscriptionStore;
  access: BillingAccess;
  /** null: STRIPE_SECRET_KEY is not set. */
  stripe: StripeClient | null;
  /** Where a refused user subscribes (absolute, on WEBOX_PUBLIC_URL). */
  subscribeUrl: string;
  /** The user's global-key budget as billing knows it, as the gate hands it to admission. */
  budgetFallback: (userId: string) => Promise<BudgetFallback | undefined>;
  /**
   * Sets exchange rates (dollars per unit) from now on: usdPerCurrency keeps the others, and the
   * display module dates each one (GET /api/settings/display shows the display currency's).
   */
  setRates: (rates: Record<string, number>, actor: BillingActor) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    billing: Billing;
  }
}

export const billingPlugin = fastifyPlugin(
  async (app) => {
    const store = createBillingStore(app.database.db, app.audit);
    const subscriptions = createSubscriptionStore(app.database.db);
    const { quota } = app.metering;
    const access = createBillingAccess({
      store,
      bus: app.bus,
      defaultGraceDays: app.config.billing.graceDays,
      isAdmin: (userId) => app.users.isAdmin(userId),
      subscriptionsOf: (userId) => subscriptions.forUser(userId),
      allowanceSpent: async (userId, allowance) =>
        (await quota.status(userId, 'global', allowance)).some((line) => line.spent >= line.limit),
    });
    await access.ready();
    const stripe = await createStripeClient(app.config.billing);
    const subscribeUrl = `${app.config.publicUrl}/profile#billing`;
    app.decorate('billing', {
      store,
      subscriptions,
      access,
      stripe,
      subscribeUrl,
      budgetFallback: async (userId) => budgetFallbackOf(await access.decide(userId), access.settings(), subscribeUrl),
      async setRates(rates, actor) {
        const current = (await store.settings())?.usdPerCurrency ?? {};
        await store.updateSettings({ usdPerCurrency: { ...current, ...rates } }, actor);
        await app.display.ratesSet(rates, actor.userId);
        await access.settingsChanged();
      },
    });
  },
  {
    name: 'webox-billing',
    dependencies: ['webox-database', 'webox-audit', 'webox-display', 'webox-metering', 'webox-users'],
  },
);
