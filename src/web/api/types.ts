// What the WeBox API answers (DESIGN §6 and docs/conversations-api.md), as the web app reads it:
// inferred from the zod schemas the server serialises its answers with (src/shared), never written
// twice.

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
