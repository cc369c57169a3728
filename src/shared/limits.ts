// Budgets and rate limits as the API answers them (GET /api/limits, /api/admin/limits), shared by
// server and web. Money is integer micro-dollars; tokens count input + output.

export type KeySourceName = 'global' | 'personal';

/** One key source's budgets; null means no limit. */
export interface BudgetLimitsView {
  dayMicrousd: number | null;
  monthMicrousd: number | null;
  dayTokens: number | null;
  monthTokens: number | null;
}

/** One limit's state. */
export interface BudgetLineView {
  source: KeySourceName;
  period: 'day' | 'month';
  unit: 'microusd' | 'tokens';
  limit: number;
  spent: number;
  held: number;
  remaining: number;
  /** spent / limit, in percent. */
  percent: number;
  resetsAt: string;
}

/** GET /api/limits: what applies to the signed-in user now. */
export interface MyLimits {
  budgets: BudgetLineView[];
  rateLimits: { requestsPerMinute: number; tokensPerMinute: number | null };
  timezone: string;
}

/** A user's own settings (null: the default applies). */
export interface LimitOverride {
  global: BudgetLimitsView | null;
  personal: BudgetLimitsView | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface DefaultLimits {
  budgets: { global: BudgetLimitsView; personal: BudgetLimitsView };
  requestsPerMinute: number;
  tokensPerMinute: number | null;
  updatedAt: string | null;
}

/** One row of Admin › Users' budget column. */
export interface UserLimitsSummary {
  userId: string;
  override: LimitOverride;
  /** The budgets in force (own or default), null when none. */
  effective: { global: BudgetLimitsView | null; personal: BudgetLimitsView | null };
  requestsPerMinute: number;
  tokensPerMinute: number | null;
  /** Spent on the global keys this day and month. */
  spentGlobal: { dayMicrousd: number; monthMicrousd: number; dayTokens: number; monthTokens: number };
}

/** GET /api/admin/limits. */
export interface AdminLimits {
  default: DefaultLimits;
  users: UserLimitsSummary[];
  /** Where rate limits are counted: this process ('memory') or Redis, shared by every instance. */
  store: 'memory' | 'redis';
  timezone: string;
}

/** GET /api/admin/users/:id/limits. */
export interface UserLimitsDetail {
  userId: string;
  override: LimitOverride;
  budgets: BudgetLineView[];
  requestsPerMinute: number;
  tokensPerMinute: number | null;
}
