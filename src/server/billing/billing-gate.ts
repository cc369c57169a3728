// The billing check in the completion pipeline's gates (completions-plugin.ts): on the global keys
// only (a personal key is the user's own bill), a user the policy refuses gets 402
// subscription_required, and a plan listing its models refuses the others with 403
// model_not_in_plan. Admins are never refused. Runs after the key's source is known and before
// admission: nothing is held or decrypted for a refused call. What it answers is the user's budget
// as billing knows it (billing-budgets.ts), which admission holds the call against.
import type { CompletionGate } from '../completions/completion-pipeline.ts';
import { type BillingAccess, opensGlobalModel } from './billing-access.ts';
import { budgetFallbackOf } from './billing-budgets.ts';
import { billingErrors } from './billing-errors.ts';

export function createBillingGate(access: BillingAccess, subscribeUrl: string): CompletionGate {
  return async (call) => {
    if (call.source !== 'global') return undefined;
    const decision = await access.decide(call.userId);
    const budgets = budgetFallbackOf(decision, access.settings(), subscribeUrl);
    if (decision.admin) return budgets;
    if (!decision.allowed) {
      throw billingErrors.subscriptionRequired(
        decision.reason === 'past_due_grace_over' ? 'past_due_grace_over' : 'no_subscription',
        subscribeUrl,
      );
    }
    const modelId = `${call.provider}/${call.model}`;
    if (!opensGlobalModel(decision, modelId)) throw billingErrors.modelNotInPlan(modelId, subscribeUrl);
    return budgets;
  };
}
