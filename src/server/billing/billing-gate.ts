// The global keys' check in the completion pipeline's gates (completions-plugin.ts): on the global
// keys only (a personal key is the user's own bill), a user the policy refuses gets 402
// subscription_required, and a model outside what the user may use there (the operator's offer ∩
// the plan ∩ the group: models/model-access.ts) 403 model_not_in_plan. Admins are never refused
// by the policy or a plan, but the operator's offer and a group's list bind them too (the offer is
// the operator's choice of spend). Runs after the key's source is known and before admission:
// nothing is held or decrypted for a refused call. What it answers is the user's budget as billing
// knows it (billing-budgets.ts), which admission holds the call against.
import type { CompletionGate } from '../completions/completion-pipeline.ts';
import type { ModelAccess } from '../models/model-access.ts';
import { modelErrors } from '../models/model-errors.ts';
import type { BillingAccess } from './billing-access.ts';
import { budgetFallbackOf } from './billing-budgets.ts';
import { billingErrors } from './billing-errors.ts';

export function createBillingGate(access: BillingAccess, models: ModelAccess, subscribeUrl: string): CompletionGate {
  return async (call) => {
    if (call.source !== 'global') return undefined;
    const decision = await access.decide(call.userId);
    if (!decision.admin && !decision.allowed) {
      throw billingErrors.subscriptionRequired(
        decision.reason === 'past_due_grace_over' ? 'past_due_grace_over' : 'no_subscription',
        subscribeUrl,
      );
    }
    const modelId = `${call.provider}/${call.model}`;
    const restrictedBy = (await models.rulesFor(call.userId, decision)).restriction(modelId);
    if (restrictedBy !== null) throw modelErrors.notUsable(modelId, restrictedBy, subscribeUrl);
    return budgetFallbackOf(decision, access.settings(), subscribeUrl);
  };
}
