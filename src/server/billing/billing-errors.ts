// The billing module's error catalogue. The refusals of the global keys carry `reason` and
// `subscribeUrl` beside code and message (DESIGN §6 "Billing"), on /api and, in OpenAI's shape, on /v1;
// the 403 model_not_in_plan is the models module's (models/model-errors.ts), which decides it.
// Stripe's failures are one code, provider_error, whose message says what WeBox was doing.
import type { AccessReason } from '../../shared/billing.ts';
import { AppError, commonErrors } from '../errors.ts';

export const billingErrors = {
  subscriptionRequired: (reason: Exclude<AccessReason, 'free_allowance'>, subscribeUrl: string) =>
    new AppError(
      402,
      'subscription_required',
      reason === 'past_due_grace_over'
        ? 'Your subscription is past due and its grace period is over: the shared (global) keys are closed until it is paid. Your personal keys still work.'
        : 'The shared (global) keys need a subscription. Subscribe, or use a personal key.',
      { details: { reason, subscribeUrl } },
    ),
  /** A Stripe price, a Checkout or a Portal while STRIPE_SECRET_KEY is not set. */
  notConfigured: (what = 'a plan cannot have a price') =>
    new AppError(
      400,
      'billing_not_configured',
      `Billing with Stripe is not configured on this server (STRIPE_SECRET_KEY), so ${what}.`,
    ),
  alreadySubscribed: () =>
    new AppError(
      409,
      'already_subscribed',
      'You already have a subscription: change or cancel it in the billing portal.',
    ),
  noCustomer: () =>
    new AppError(409, 'no_customer', 'There is no billing account for you yet: subscribe to a plan first.'),
  /**
   * Stripe refused, failed or could not be reached. The message says what WeBox was doing, never
   * Stripe's own words; `provider` lets the web app name Stripe as it names a model provider.
   */
  stripeFailed: (what: string, cause: unknown) =>
    new AppError(502, 'provider_error', `Stripe failed while ${what}: try again in a moment.`, {
      details: { provider: 'stripe' },
      cause,
    }),
  invalidSignature: () =>
    new AppError(
      400,
      'invalid_signature',
      'The webhook delivery does not carry a valid Stripe signature (STRIPE_WEBHOOK_SECRET) from the last 5 minutes.',
    ),
  reversedRange: () => commonErrors.invalidParameter('from must not be after to.', 'from'),
  rangeTooLong: (days: number) => commonErrors.invalidParameter(`A report covers at most ${days} days.`, 'to'),
  grantInPast: () => commonErrors.invalidParameter('until must be in the future.', 'until'),
  planNotFound: () => commonErrors.notFound('The plan'),
};
