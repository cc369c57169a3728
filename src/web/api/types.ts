// What the WeBox API answers (DESIGN §6 and docs/conversations-api.md), as the web app reads it:
// inferred from the zod schemas the server serialises its answers with (src/shared), never written
// twice.

import type { BillingView } from '../../shared/billing.ts';
import type { BudgetLimitsView } from '../../shared/limits.ts';

export type {
  AccessReason,
  BillingPolicy,
  BillingSettingsView,
  BillingView,
  PlanView,
} from '../../shared/billing.ts';
export type { ConversationDetail, ConversationMessage, ConversationSummary } from '../../shared/conversations.ts';
export type { GlobalKeyState, KeySource, SavedKey, UserKeyState } from '../../shared/keys.ts';
export type {
  AdminLimits,
  BudgetLimitsView,
  BudgetLineView,
  DefaultLimits,
  LimitOverride,
  MyLimits,
  UserLimitsDetail,
  UserLimitsSummary,
} from '../../shared/limits.ts';
export type { ProviderInfo, ProviderModel } from '../../shared/providers.ts';
export type { AccessToken, CreatedAccessToken } from '../../shared/tokens.ts';
export type { AdminUser, Me } from '../../shared/users.ts';

/** An amount in a currency's minor unit (cents), currency lowercase ISO 4217. */
export interface CurrencyAmount {
  currency: string;
  amount: number;
}

/**
 * GET /api/admin/billing/revenue (DESIGN §6 "Billing"). Written here from the contract rather than
 * inferred: its schema (`revenueView` in src/shared/billing.ts) arrives with the server's route.
 */
export interface RevenueReport {
  from: string;
  to: string;
  totals: CurrencyAmount[];
  mrr: CurrencyAmount[];
  subscribersByPlan: Array<{ planId: string; name: string; count: number }>;
  users: Array<{
    userId: string;
    plan: { id: string; name: string } | null;
    status: BillingView['status'];
    revenue: CurrencyAmount[];
    globalCostMicrousd: number;
  }>;
}

/** POST /api/admin/plans; PATCH takes each field optional, and `active`. */
export interface PlanBody {
  name: string;
  description?: string;
  prices: { month: { stripePriceId: string } | null; year: { stripePriceId: string } | null };
  budgets?: BudgetLimitsView;
  models?: string[] | null;
}
