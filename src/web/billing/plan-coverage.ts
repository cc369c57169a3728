// Which models the user's plan covers on the shared (global) keys, for the model picker's marks:
// none under the `everyone` policy, for an admin (never refused), or when nothing restricts the user
// (the free allowance, a plan no longer on offer whose list is unknown here).
import type { BillingView, PlanView } from '../api/types.ts';

export type Coverage = 'covered' | 'not_covered' | 'needs_subscription';

/** A `provider/model` id's mark, or null when no mark is needed. */
export type PlanCoverage = (modelId: string) => Coverage;

export function planCoverage(
  billing: BillingView | null,
  plans: PlanView[] | null,
  isAdmin: boolean,
): PlanCoverage | null {
  if (!billing || isAdmin || billing.policy === 'everyone') return null;
  if (!billing.globalAccess.allowed) return () => 'needs_subscription';
  if (!billing.plan) return null;
  const plan = plans?.find((item) => item.id === billing.plan?.id);
  if (!plan) return null;
  const models = plan.models;
  return (modelId) => (models === null || models.includes(modelId) ? 'covered' : 'not_covered');
}
