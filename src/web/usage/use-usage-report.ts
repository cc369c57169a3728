// The usage figures of one range: totals, days, providers, models and, for the admin, users. One
// load per range chosen: the report by day (totals and days) and by model (the providers' rows
// are summed from it), plus by user for the admin; the API answers one grouping per request.
// Nothing else reloads it (a language change, a re-render). The last report stays on screen
// while the next range loads.
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { fillDays, providerRows, type UsageRow, type UsageTotals } from './usage-data.ts';

export type UsageScope = 'mine' | 'admin';

export interface UsageView {
  totals: UsageTotals;
  timezone: string;
  /** Every day of the range, zeros where nothing happened. */
  days: UsageRow[];
  byProvider: UsageRow[];
  byModel: UsageRow[];
  /** The admin's per-user rows; null on a user's own page. */
  byUser: UsageRow[] | null;
}

export async function loadUsage(scope: UsageScope, range: { from: string; to: string }): Promise<UsageView> {
  // One request per range: the server reads the series together.
  const report = await api.usageReport(scope, range);
  return {
    totals: report.totals,
    timezone: report.timezone,
    days: fillDays(report.series.day, range.from, range.to),
    byProvider: providerRows(report.series.model),
    byModel: report.series.model,
    byUser: scope === 'admin' ? (report.series.user ?? []) : null,
  };
}

export function useUsageReport(scope: UsageScope, { from, to }: { from: string; to: string }) {
  const [report, setReport] = useState<UsageView | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    loadUsage(scope, { from, to })
      .then((loaded) => {
        if (!cancelled) setReport(loaded);
      })
      .catch((caught: unknown) => {
        if (!cancelled) setError(caught);
      });
    // A range left before its report arrived must not replace the one chosen since.
    return () => {
      cancelled = true;
    };
  }, [scope, from, to]);

  return { report, error };
}
