// The billing module as app.billing: its store, the access decisions the completion gate and
// GET /api/billing read (cached, invalidated across instances), and the Stripe client (null when
// billing is off: plans and grants work without it).
import fastifyPlugin from 'fastify-plugin';
import { type BillingAccess, createBillingAccess } from './billing-access.ts';
import { type BillingStore, createBillingStore } from './billing-store.ts';
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
    const stripe = createStripeClient(app.config.billing);
    app.decorate('billing', {
      store,
      subscriptions,
      access,
      stripe,
      subscribeUrl: `${app.config.publicUrl}/profile#billing`,
    });
  },
  { name: 'webox-billing', dependencies: ['webox-database', 'webox-metering', 'webox-users'] },
);
