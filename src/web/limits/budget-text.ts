// Budgets in words, in the reader's language: amounts, line titles and the names of the admin
// form's fields. Pure (no React): the API's error sentences use them too.
import type { TFunction } from 'i18next';
import type { BudgetLineView } from '../../shared/limits.ts';
import type { UserLimitsField } from './budget-form.ts';

/** "$0.42" or "12,000 tokens", in the reader's language. */
export const budgetAmount = (t: TFunction, unit: BudgetLineView['unit'], value: number) =>
  t(`limits.amount.${unit}`, { value });

/** "Daily budget on the global keys", and the like. */
export const lineTitle = (t: TFunction, line: Pick<BudgetLineView, 'source' | 'period' | 'unit'>) =>
  t(`limits.lines.${line.source}.${line.period}.${line.unit}`);

/** "Global keys (the operator pays) · Per day ($)", or a rate limit's own name. */
export function fieldLabel(t: TFunction, field: UserLimitsField): string {
  if (field === 'requestsPerMinute' || field === 'tokensPerMinute') return t(`admin.limits.${field}`);
  const [source, name] = field.split('.') as [string, string];
  return `${t(`admin.limits.${source}`)} · ${t(`admin.limits.${name}`)}`;
}
