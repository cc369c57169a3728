// The logic behind the usage pages, kept out of the components so it can be tested alone: date
// ranges, filling the days that had no traffic, and money written from integer micro-dollars.

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

/** Dollars from micro-dollars, with cents, or more digits for amounts under a dollar. */
export function formatMoney(microusd: number, locale: string): string {
  const dollars = microusd / 1_000_000;
  const small = dollars !== 0 && Math.abs(dollars) < 1;
  const money = (value: number) =>
    new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: 'USD',
      minimumFractionDigits: 2,
      maximumFractionDigits: small ? 4 : 2,
    }).format(value);
  // A few micro-dollars are not nothing: say so rather than print $0.00.
  if (dollars > 0 && dollars < 0.0001) return `< ${money(0.0001)}`;
  return money(dollars);
}

/** Share of a budget or total, for "x % of …" texts; 0 when there is nothing to share. */
export const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

export function usageUrl(
  scope: 'mine' | 'admin',
  options: { from: string; to: string; groupBy: string; userId?: string; format?: 'csv' },
) {
  const query = new URLSearchParams({ from: options.from, to: options.to, groupBy: options.groupBy });
  if (options.userId) query.set('userId', options.userId);
  if (options.format) query.set('format', options.format);
  return `${scope === 'admin' ? '/api/admin/usage' : '/api/usage'}?${query}`;
}
