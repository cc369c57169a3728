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

/**
 * GET /api/usage/report and /api/admin/usage/report: what the usage page shows for one range, in
 * one answer: the totals and the series by day and by model (and, for admins, by user).
 */
export interface UsageRangeReport {
  from: string;
  to: string;
  timezone: string;
  totals: UsageTotals;
  series: { day: UsageRow[]; model: UsageRow[]; user?: UsageRow[] };
}
