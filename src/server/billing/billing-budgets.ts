// What billing knows of a user's budget on the global keys, in metering's terms (BudgetFallback):
// the plan's budgets as the user's default (a grant's now, a subscription's through the same
// Access.plan), and for a user only the free allowance lets in, the allowance as a ceiling held
// with the budget, so concurrent requests cannot overshoot it and a request it cannot fit is
// refused 402 subscription_required (no_subscription), not 429. Apart from decide(): whoever
// changes who is let in changes nothing here.
import type { BudgetFallback } from '../metering/limit-policies.ts';
import type { Access, AccessSettings } from './billing-access.ts';
import { billingErrors } from './billing-errors.ts';

export function budgetFallbackOf(
  access: Access,
  settings: Pick<AccessSettings, 'freeAllowance'>,
  subscribeUrl: string,
): BudgetFallback | undefined {
  if (!access.allowed) return undefined;
  if (access.plan) return { budget: access.plan.budgets, budgetName: access.plan.name };
  if (access.reason === 'free_allowance' && settings.freeAllowance) {
    return {
      ceiling: {
        limits: settings.freeAllowance,
        refusal: () => billingErrors.subscriptionRequired('no_subscription', subscribeUrl),
      },
    };
  }
  return undefined;
}
