// The billing module as app.billing: its store, and the access decisions the completion gate and
// GET /api/billing read (cached, invalidated across instances). Stripe is not called in this
// build: plans and grants work without it.
import fastifyPlugin from 'fastify-plugin';
import { type BillingAccess, createBillingAccess } from './billing-access.ts';
import { type BillingStore, createBillingStore } from './billing-store.ts';
import { createSubscriptionStore, type SubscriptionStore } from './subscription-store.ts';
import type { SubscriptionReader } from './webhook-handler.ts';

export interface Billing {
  store: BillingStore;
  /** Stripe's side: subscriptions, customers, applied events, paid invoices. */
  subscriptions: SubscriptionStore;
  access: BillingAccess;
  /** Stripe's API; null while Stripe is off. */
  stripe: SubscriptionReader | null;
  /** Where a refused user subscribes (absolute, on WEBOX_PUBLIC_URL). */
  subscribeUrl: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    billing: Billing;
  }
}

export const billingPlugin = fastifyPlugin(
  async (app) => {
    const store = createBillingStore(app.database.db);
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
    app.decorate('billing', {
      store,
      subscriptions,
      access,
      stripe: null,
      subscribeUrl: `${app.config.publicUrl}/profile#billing`,
    });
  },
  { name: 'webox-billing', dependencies: ['webox-database', 'webox-metering', 'webox-users'] },
);
