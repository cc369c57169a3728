// What the WeBox API answers (DESIGN §6 and docs/conversations-api.md), as the web app reads it.

export type { ConversationDetail, ConversationMessage, ConversationSummary } from '../../shared/conversations.ts';
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

export type KeySource = 'personal' | 'global' | 'none';

export interface Me {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'user';
}

export interface ProviderModel {
  id: string;
  name: string;
}

export interface ProviderInfo {
  id: string;
  name: string;
  keyHint: string;
  models: ProviderModel[];
}

export interface UserKeyState {
  provider: string;
  source: KeySource;
  personal: { mask: string; updatedAt: string } | null;
  global: { configured: boolean };
}

export interface GlobalKeyState {
  provider: string;
  configured: boolean;
  mask: string | null;
  updatedAt: string | null;
}

export interface SavedKey {
  provider: string;
  mask: string;
  updatedAt: string;
  verified?: boolean;
}

export interface AdminUser {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'user';
  disabled: boolean;
  createdAt: string;
  personalKeys: string[];
}

export interface AccessToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  /** The token's own requests-per-minute limit, under its owner's; null when it has none. */
  requestsPerMinute: number | null;
}

export interface CreatedAccessToken extends Omit<AccessToken, 'lastUsedAt'> {
  token: string;
}
