// What the WeBox API answers (DESIGN §6 and docs/conversations-api.md), as the web app reads it:
// inferred from the zod schemas the server serialises its answers with (src/shared), never written
// twice.

import type { z } from 'zod';
import type { createPlanBody, RevenueView } from '../../shared/billing.ts';
import type { createGroupBody } from '../../shared/groups.ts';
import type { adminUsersQuery } from '../../shared/users.ts';

export type {
  AccessReason,
  BillingPolicy,
  BillingSettingsView,
  BillingView,
  PlanView,
  RevenueView,
} from '../../shared/billing.ts';
export type { ConversationDetail, ConversationMessage, ConversationSummary } from '../../shared/conversations.ts';
export type { DisplaySettingsBody, DisplaySettingsView } from '../../shared/display.ts';
export type { FirstRunBody, FirstRunStep, FirstRunStepId, FirstRunView } from '../../shared/first-run.ts';
export type { GroupDetail, GroupMembership, GroupMemberView, GroupView } from '../../shared/groups.ts';
export type {
  AccountSettingsView,
  AdminPasswordReset,
  ClassListError,
  CreatedInvitation,
  InvitationView,
  PublicInvitation,
} from '../../shared/invitations.ts';
export type { GlobalKeyImpact, GlobalKeyState, KeySource, SavedKey, UserKeyState } from '../../shared/keys.ts';
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
export type { CatalogueModel, ModelSettingsView, PriceTier } from '../../shared/models.ts';
export type { ProviderInfo, ProviderModel } from '../../shared/providers.ts';
export type { ServerInfo } from '../../shared/server-status.ts';
export type { SsoPublicView, SsoSettingsBody, SsoSettingsView } from '../../shared/sso.ts';
export type { AccessToken, CreatedAccessToken } from '../../shared/tokens.ts';
export type {
  AccountImpact,
  AdminUser,
  AdminUserList,
  AdminUsersQuery,
  Me,
  UserSort,
} from '../../shared/users.ts';

/** GET /api/admin/users' parameters, each optional. */
export type AdminUsersParams = Partial<z.input<typeof adminUsersQuery>>;
/** POST /api/admin/groups; PATCH takes each field optional. */
export type GroupBody = z.input<typeof createGroupBody>;

/** An amount in a currency's minor unit (cents), currency lowercase ISO 4217. */
export type CurrencyAmount = RevenueView['totals'][number];

/** POST /api/admin/plans; PATCH takes each field optional, and `active`. */
export type PlanBody = z.input<typeof createPlanBody>;
