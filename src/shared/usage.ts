// The usage statistics answer (GET /api/usage, /api/admin/usage), shared by server and web.

export interface UsageTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costMicrousd: number;
  /** What the operator pays: cost on global keys. */
  globalCostMicrousd: number;
  personalCostMicrousd: number;
}

export interface UsageRow extends UsageTotals {
  /** The day, provider, provider/model, key source or user id the row is for. */
  key: string;
  /** With groupBy=user. */
  name?: string;
  email?: string;
}

export interface UsageReport {
  from: string;
  to: string;
  timezone: string;
  groupBy: string;
  totals: UsageTotals;
  series: UsageRow[];
}
