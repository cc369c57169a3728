// POST /api/billing/webhook: Stripe's deliveries. The signature covers the exact bytes Stripe sent,
// so this route, and only it, takes its body raw: the plugin is encapsulated (registered without
// fastify-plugin), and its content-type parser replaces the JSON one for its own routes alone.
// It answers 2xx only once the event's transaction has committed; a failure is a 500 with nothing
// applied, and Stripe delivers the event again.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createWebhookHandler, verifyEvent } from './webhook-handler.ts';

const received = z.object({ received: z.literal(true) }).meta({ id: 'WebhookReceived' });

export const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const { access, subscriptions, stripe } = app.billing;
  const secrets = app.config.billing.enabled ? app.config.billing.stripeWebhookSecrets : [];
  const log = app.log.child({ module: 'billing-webhook' });
  if (app.config.billing.enabled && secrets.length === 0) {
    log.warn('STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: every webhook delivery will be refused (400)');
  } else if (!app.config.billing.enabled && app.config.billing.stripeWebhookSecrets.length > 0) {
    log.warn(
      'STRIPE_WEBHOOK_SECRET is set without STRIPE_SECRET_KEY: billing is off, webhook deliveries are refused (400)',
    );
  }
  const handler = createWebhookHandler({
    db: app.database.db,
    store: subscriptions,
    stripe,
    plans: () => access.plans(),
    changed: async (userId) => {
      // Committed already: a notice that cannot be sent leaves the other instances' entries to
      // their time limit, which is no reason for Stripe to deliver the event again.
      await access.subscriptionChanged(userId).catch((error: unknown) => {
        log.warn({ err: error, userId }, 'the subscription change could not be announced to the other instances');
      });
    },
    // Admins are told once per invoice (Stripe retries a failed invoice under new event ids).
    paymentFailed: async ({ userId, invoiceId, amountMicrousd }) => {
      try {
        const who = (await app.users.directory([userId])).get(userId);
        await app.alerts.raise({
          kind: 'subscription.payment_failed',
          onceKey: `subscription.payment_failed|${invoiceId}`,
          severity: 'warning',
          audience: 'admins',
          subjectUserId: userId,
          details: {
            ...(who ? { userEmail: who.email } : {}),
            ...(amountMicrousd === null ? {} : { amountMicrousd }),
          },
        });
      } catch (error) {
        log.warn({ err: error, userId }, 'the failed payment alert could not be raised');
      }
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/api/billing/webhook',
    {
      schema: {
        tags: ['Billing'],
        summary: "Stripe's webhook",
        description:
          "Stripe's events (checkout.session.completed, customer.subscription.created/updated/deleted, invoice.paid, invoice.payment_failed), verified with the `Stripe-Signature` header against STRIPE_WEBHOOK_SECRET (300 s tolerance) and applied once each; other types are acknowledged and ignored. A delivery that does not verify answers 400 invalid_signature and changes nothing; a failure answers 500 with nothing applied, so Stripe retries.",
        response: { 200: received },
      },
    },
    async (request) => {
      const event = await verifyEvent(request.body as Buffer | undefined, request.headers['stripe-signature'], secrets);
      const outcome = await handler.handle(event);
      request.log.info({ stripeEvent: event.id, type: event.type, outcome }, 'stripe event');
      return { received: true as const };
    },
  );
};
