// Billing in words, in the reader's language: prices (Stripe's minor units, in their own currency),
// a subscription's status and dates, whether the shared keys are open, and what a plan includes.
// Pure (no React), so each sentence can be tested alone.
import type { TFunction } from 'i18next';
import type { BillingView, BudgetLimitsView, PlanView } from '../api/types.ts';
import type { Catalog } from '../components/use-catalog.ts';

export type Interval = 'month' | 'year';

/** Names the provider of a billing error: Stripe's failures answer provider_error, `provider: stripe`. */
export const billingProviderName = (id: string) => (id === 'stripe' ? 'Stripe' : id);

/** How many decimals the currency's minor unit has: 2 for EUR (cents), 0 for JPY. */
export function minorDigits(currency: string): number {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() });
    return format.resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Minor units (cents) as the currency's own amount, "9,00 €" or "$9.00"; JPY has no decimals. */
export function formatPrice(amount: number, currency: string, locale: string): string {
  const code = currency.toUpperCase();
  const value = amount / 10 ** minorDigits(code);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: code }).format(value);
  } catch {
    // A code Intl does not know: the number and the code as Stripe sent it.
    return `${value.toFixed(2)} ${code}`;
  }
}

/** "9,00 € / mois". */
export function priceText(
  t: TFunction,
  price: { amount: number; currency: string },
  interval: Interval,
  locale: string,
) {
  return t(`billing.per.${interval}`, { price: formatPrice(price.amount, price.currency, locale) });
}

/** The status in words: "Actif", "Paiement en retard"… */
export const statusText = (t: TFunction, status: BillingView['status']) => t(`billing.status.${status}`);

/** When the plan renews or ends, or null when there is nothing to say. */
export function periodText(t: TFunction, billing: BillingView, date: (value: string) => string): string | null {
  if (billing.status === 'granted') {
    return billing.grantedUntil
      ? t('billing.grantedUntil', { date: date(billing.grantedUntil) })
      : t('billing.grantedForever');
  }
  if (!billing.currentPeriodEnd) return null;
  const when = date(billing.currentPeriodEnd);
  if (billing.status === 'canceled') return null;
  if (billing.cancelAtPeriodEnd) return t('billing.endsOn', { date: when });
  if (billing.status === 'active' || billing.status === 'trialing') return t('billing.renewsOn', { date: when });
  return null;
}

/** Whether the shared (global) keys are open to the user, and why. */
export function accessText(t: TFunction, billing: BillingView): string {
  const { allowed, reason } = billing.globalAccess;
  if (reason === 'free_allowance') return t('billing.access.freeAllowance');
  if (reason === 'no_subscription') return t('billing.access.noSubscription');
  if (reason === 'past_due_grace_over') return t('billing.access.pastDueGraceOver');
  if (!allowed) return t('billing.access.closed');
  if (billing.policy === 'everyone') return t('billing.access.everyone');
  return billing.plan ? t('billing.access.plan') : t('billing.access.admin');
}

/** "OpenAI · GPT-4o mini" for a `provider/model` id, the id itself when the catalogue lacks it. */
export function modelName(catalog: Catalog | null, id: string): string {
  const slash = id.indexOf('/');
  const provider = catalog?.providers.find((item) => item.id === id.slice(0, slash));
  const model = provider?.models.find((item) => item.id === id.slice(slash + 1));
  return provider && model ? `${provider.name} · ${model.name}` : id;
}

/** A plan's budgets, one phrase each ("2,00 $ par jour"); empty when it sets none. */
export function budgetPhrases(t: TFunction, budgets: BudgetLimitsView): string[] {
  const phrases: string[] = [];
  if (budgets.dayMicrousd !== null) phrases.push(t('billing.budget.dayMoney', { value: budgets.dayMicrousd }));
  if (budgets.monthMicrousd !== null) phrases.push(t('billing.budget.monthMoney', { value: budgets.monthMicrousd }));
  if (budgets.dayTokens !== null) phrases.push(t('billing.budget.dayTokens', { value: budgets.dayTokens }));
  if (budgets.monthTokens !== null) phrases.push(t('billing.budget.monthTokens', { value: budgets.monthTokens }));
  return phrases;
}

/** "All models" or the plan's models by name. */
export function modelsText(
  t: TFunction,
  plan: Pick<PlanView, 'models'>,
  catalog: Catalog | null,
  list: (values: string[]) => string,
) {
  if (plan.models === null) return t('billing.allModels');
  if (plan.models.length === 0) return t('billing.noModels');
  return list(plan.models.map((id) => modelName(catalog, id)));
}
