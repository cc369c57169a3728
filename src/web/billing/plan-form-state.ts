// Admin › Plans' plan form: a plan to text fields and back to the body POST or PATCH
// /api/admin/plans takes, with the first field that is not valid. Pure, so it can be tested alone.
import type { PlanBody, PlanView } from '../api/types.ts';
import { type BudgetForm, budgetFormOf, budgetFromForm } from '../limits/budget-form.ts';

export interface PlanForm {
  name: string;
  description: string;
  monthPriceId: string;
  yearPriceId: string;
  budgets: BudgetForm;
  /** true: every model on the global keys (models null). */
  allModels: boolean;
  /** `provider/model` ids, when not all. */
  models: string[];
}

export type PlanFormError =
  | { field: 'name' }
  | { field: 'models' }
  | { field: 'budget'; budgetField: keyof BudgetForm };

export function planFormOf(plan: PlanView | null): PlanForm {
  return {
    name: plan?.name ?? '',
    description: plan?.description ?? '',
    monthPriceId: plan?.prices.month?.stripePriceId ?? '',
    yearPriceId: plan?.prices.year?.stripePriceId ?? '',
    budgets: budgetFormOf(plan?.budgets ?? null),
    allModels: plan ? plan.models === null : true,
    models: plan?.models ?? [],
  };
}

const slot = (id: string) => (id.trim() ? { stripePriceId: id.trim() } : null);

/**
 * The body for this form: everything for a new plan; for an existing one the prices only when
 * they changed (Stripe is asked about a price each time one is given, and refuses it while off).
 */
export function planBodyOf(
  form: PlanForm,
  original: PlanView | null,
): { ok: true; body: PlanBody | Partial<PlanBody> } | { ok: false; error: PlanFormError } {
  const name = form.name.trim();
  if (!name) return { ok: false, error: { field: 'name' } };
  const budgets = budgetFromForm(form.budgets);
  if (!budgets.ok) return { ok: false, error: { field: 'budget', budgetField: budgets.field } };
  if (!form.allModels && form.models.length === 0) return { ok: false, error: { field: 'models' } };
  const prices = { month: slot(form.monthPriceId), year: slot(form.yearPriceId) };
  const common = {
    name,
    description: form.description.trim(),
    budgets: budgets.limits,
    models: form.allModels ? null : [...form.models].sort(),
  };
  if (!original) return { ok: true, body: { ...common, prices } };
  const before = planFormOf(original);
  const pricesChanged =
    slot(before.monthPriceId)?.stripePriceId !== prices.month?.stripePriceId ||
    slot(before.yearPriceId)?.stripePriceId !== prices.year?.stripePriceId;
  return { ok: true, body: pricesChanged ? { ...common, prices } : common };
}
