// The logic behind the usage pages, kept out of the components so it can be tested alone: date
// ranges, filling the days that had no traffic, the providers' rows from the models' rows, and
// shares of a total.
import type { UsageRow, UsageTotals } from '../../shared/usage.ts';

export type { UsageReport, UsageRow, UsageTotals } from '../../shared/usage.ts';

export type RangePreset = 'thisMonth' | 'lastMonth' | 'last7' | 'last30' | 'custom';

const pad = (value: number) => String(value).padStart(2, '0');
const isoDay = (date: Date) => `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;

/** The days a preset covers, both ends included, as the server's YYYY-MM-DD. */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, today: string): { from: string; to: string } {
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  const at = (y: number, m: number, d: number) => isoDay(new Date(Date.UTC(y, m - 1, d)));
  switch (preset) {
    case 'thisMonth':
      return { from: at(year, month, 1), to: today };
    case 'lastMonth':
      return { from: at(year, month - 1, 1), to: at(year, month, 0) };
    case 'last7':
      return { from: at(year, month, day - 6), to: today };
    case 'last30':
      return { from: at(year, month, day - 29), to: today };
  }
}

const zero: UsageTotals = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  costMicrousd: 0,
  globalCostMicrousd: 0,
  personalCostMicrousd: 0,
};

/** One row per day of the range, zeros where nothing happened, so a chart shows the quiet days. */
export function fillDays(series: UsageRow[], from: string, to: string): UsageRow[] {
  const byDay = new Map(series.map((row) => [row.key, row]));
  const rows: UsageRow[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= end && rows.length < 400; at += 86_400_000) {
    const key = isoDay(new Date(at));
    rows.push(byDay.get(key) ?? { key, ...zero });
  }
  return rows;
}

/** Share of a budget or total, for "x % of …" texts; 0 when there is nothing to share. */
export const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

const TOTAL_FIELDS = Object.keys(zero) as Array<keyof UsageTotals>;

/**
 * The by-provider rows, summed from the by-model rows (keyed `provider/model`; a provider id has no
 * slash), costliest first as the server orders them: the page need not ask for them separately.
 */
export function providerRows(modelRows: UsageRow[]): UsageRow[] {
  const byProvider = new Map<string, UsageRow>();
  for (const row of modelRows) {
    const slash = row.key.indexOf('/');
    const key = slash === -1 ? row.key : row.key.slice(0, slash);
    const sum = byProvider.get(key) ?? { key, ...zero };
    for (const field of TOTAL_FIELDS) sum[field] += row[field];
    byProvider.set(key, sum);
  }
  return [...byProvider.values()].sort((a, b) => b.costMicrousd - a.costMicrousd || a.key.localeCompare(b.key));
}
