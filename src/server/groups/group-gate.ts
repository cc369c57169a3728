// The group's budget in the completion pipeline's gates (completions-plugin.ts): on the global
// keys only, what the user's group sets is handed to admission, which holds the call against it in
// budgetInForce's order (the user's own > the group's > the plan's > the default).
import type { CompletionGate } from '../completions/completion-pipeline.ts';
import type { GroupService } from './group-service.ts';

export function createGroupGate(groups: Pick<GroupService, 'budgetsOf'>): CompletionGate {
  return async (call) => {
    if (call.source !== 'global') return undefined;
    const group = await groups.budgetsOf(call.userId);
    return group ? { group } : undefined;
  };
}
