// Subscribing and managing a subscription, both on Stripe's own pages (DESIGN §6 "Billing"):
// POST /api/billing/checkout answers the URL of a Checkout Session for a plan's price, and
// POST /api/billing/portal the URL of the Customer Portal. Neither changes a subscription here:
// what the user does there comes back through the webhook.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { billingRedirectView, checkoutBody } from '../../shared/billing.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { userScope } from '../auth/route-scopes.ts';
import { commonErrors } from '../errors.ts';
import { billingErrors } from './billing-errors.ts';
import { callStripe, isStripeResourceMissing } from './stripe-client.ts';
import { createStripeCustomers } from './stripe-customers.ts';

const tags = ['Billing'];

const INTERVAL_WORDS = { month: 'monthly', year: 'yearly' } as const;

export const checkoutRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, stripe } = app.billing;
  const customers = stripe ? createStripeCustomers(app.database.db, stripe) : null;
  // Back from Stripe, the profile's billing section: it says the plan, or that the webhook is awaited.
  const profileUrl = `${app.config.publicUrl}/profile`;

  await app.register(
    userScope(async (app) => {
      app.post(
        '/api/billing/checkout',
        {
          schema: {
            tags,
            summary: 'Subscribe: a Stripe Checkout page',
            description:
              "Answers the URL of a Stripe Checkout Session for the plan at the `month` or `year` price. A retired or unknown plan, or one without that price, answers 404; a user whose subscription is active, trialing or past due, in WeBox or already in Stripe before its webhook has come, answers 409 already_subscribed (change it in the portal); a Stripe customer deleted in Stripe is replaced by a new one; Stripe not configured: 400 billing_not_configured. The subscription starts when Stripe's webhook arrives, not here.",
            body: checkoutBody,
            response: { 200: billingRedirectView },
          },
        },
        async (request) => {
          if (!stripe || !customers) throw billingErrors.notConfigured('there is nothing to subscribe to');
          const user = currentUser(request);
          const { planId, interval } = request.body;
          // Read from the database, not the cache: a plan retired a moment ago on another instance is not sold.
          const plans = z.uuid().safeParse(planId).success ? await store.plans() : [];
          const plan = plans.find((candidate) => candidate.id === planId && candidate.active);
          if (!plan) throw billingErrors.planNotFound();
          const price = plan.prices[interval];
          if (!price) throw commonErrors.notFound(`A ${INTERVAL_WORDS[interval]} price of the plan ${plan.name}`);
          if (await customers.hasLiveSubscription(user.id)) throw billingErrors.alreadySubscribed();

          const customer = await customers.customerForCheckout(user);
          const metadata = { webox_user_id: user.id, webox_plan_id: plan.id };
          const open = (forCustomer: string) =>
            stripe.checkout.sessions.create(
              {
                mode: 'subscription',
                // Always a customer: Stripe's own guard ("limit customers to one subscription", a
                // Checkout setting of the operator's dashboard) recognises the buyer by it.
                customer: forCustomer,
                client_reference_id: user.id,
                line_items: [{ price: price.stripePriceId, quantity: 1 }],
                metadata,
                // On the subscription too: its webhooks then say whose it is without a lookup.
                subscription_data: { metadata },
                success_url: `${profileUrl}?checkout=success#billing`,
                cancel_url: `${profileUrl}?checkout=cancel#billing`,
              },
              // One key per attempt: the SDK's retries of this call reuse it, a new click gets a new session.
              { idempotencyKey: `webox-checkout-${user.id}-${randomUUID()}` },
            );
          const session = await callStripe('opening the checkout page', async () => {
            try {
              return await open(customer);
            } catch (error) {
              // Deleted in Stripe since it was last asked about: replaced once, and the session opened for the new one.
              if (!isStripeResourceMissing(error, 'customer')) throw error;
              return await open(await customers.replaceCustomer(user, customer));
            }
          });
          if (!session.url) throw billingErrors.stripeFailed('opening the checkout page', 'no url in the session');
          return { url: session.url };
        },
      );

      app.post(
        '/api/billing/portal',
        {
          schema: {
            tags,
            summary: "Manage or cancel: Stripe's Customer Portal",
            description:
              'Answers the URL of a Customer Portal session, which comes back to the profile. 409 no_customer before the user has ever started a subscription, or when their Stripe customer was deleted in Stripe (a checkout makes a new one); Stripe not configured: 400 billing_not_configured.',
            response: { 200: billingRedirectView },
          },
        },
        async (request) => {
          if (!stripe || !customers) throw billingErrors.notConfigured('there is no billing portal');
          const user = currentUser(request);
          const customer = await customers.customerId(user.id);
          if (!customer) throw billingErrors.noCustomer();
          const session = await callStripe('opening the billing portal', async () => {
            try {
              return await stripe.billingPortal.sessions.create(
                { customer, return_url: `${profileUrl}#billing` },
                { idempotencyKey: `webox-portal-${user.id}-${randomUUID()}` },
              );
            } catch (error) {
              // Deleted in Stripe: nothing left to manage; the next checkout replaces the customer.
              if (isStripeResourceMissing(error, 'customer')) return null;
              throw error;
            }
          });
          if (!session) throw billingErrors.noCustomer();
          return { url: session.url };
        },
      );
    }),
  );
};
