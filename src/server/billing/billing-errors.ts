// The billing module's error catalogue. The two refusals of the global keys carry `reason` and
// `subscribeUrl` beside code and message (DESIGN §6 "Billing"), on /api and, in OpenAI's shape, on /v1.
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
  modelNotInPlan: (modelId: string, subscribeUrl: string) =>
    new AppError(
      403,
      'model_not_in_plan',
      `Your plan does not include ${modelId} on the shared (global) keys. Choose a model of your plan, change plans, or use a personal key.`,
      { details: { reason: 'model_not_in_plan', subscribeUrl } },
    ),
  /** A Stripe price given while STRIPE_SECRET_KEY is not set. */
  notConfigured: () =>
    new AppError(
      400,
      'billing_not_configured',
      'Billing with Stripe is not configured on this server (STRIPE_SECRET_KEY), so a plan cannot have a price.',
    ),
  /**
   * With Stripe configured, prices are read from Stripe's API; until that is built a plan takes no
   * price at all, rather than one stored unchecked.
   */
  pricesNotSupported: () =>
    commonErrors.invalidParameter(
      'Plans cannot have Stripe prices on this server yet: give prices null (a plan for grants).',
      'prices',
    ),
  invalidSignature: () =>
    new AppError(
      400,
      'invalid_signature',
      'The webhook delivery does not carry a valid Stripe signature (STRIPE_WEBHOOK_SECRET) from the last 5 minutes.',
    ),
  grantInPast: () => commonErrors.invalidParameter('until must be in the future.', 'until'),
  planNotFound: () => commonErrors.notFound('The plan'),
};
