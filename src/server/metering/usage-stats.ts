// Statistics from the daily rollups: totals and series by day, provider, model, key source or
// user over a range of days (in the operator's time zone). Indexed by (user, day) and (day), so a
// month stays fast however many events the ledger holds.
import { and, count, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { UsageRow, UsageTotals } from '../../shared/usage.ts';
import type { Database } from '../db/client.ts';
import { usageDaily, usageEvent } from '../db/schema/metering.ts';
import { type CsvColumn, csvColumn } from '../exports/csv-export.ts';
import { meteringErrors } from './metering-errors.ts';
import { dayIn } from './periods.ts';

export const GROUPINGS = ['day', 'provider', 'model', 'source', 'user'] as const;
export type Grouping = (typeof GROUPINGS)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function resolveRange(timezone: string, from?: string, to?: string) {
  const today = dayIn(timezone)(new Date());
  const range = { from: from ?? `${today.slice(0, 8)}01`, to: to ?? today };
  for (const [name, value] of Object.entries(range)) {
    if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      throw meteringErrors.invalidDay(name);
    }
  }
  if (range.from > range.to) throw meteringErrors.reversedRange();
  return range;
}

const sums = {
  requests: sql<number>`coalesce(sum(${usageDaily.requests}), 0)::float8`,
  errors: sql<number>`coalesce(sum(${usageDaily.errors}), 0)::float8`,
  inputTokens: sql<number>`coalesce(sum(${usageDaily.inputTokens}), 0)::float8`,
  outputTokens: sql<number>`coalesce(sum(${usageDaily.outputTokens}), 0)::float8`,
  cachedInputTokens: sql<number>`coalesce(sum(${usageDaily.cachedInputTokens}), 0)::float8`,
  costMicrousd: sql<number>`coalesce(sum(${usageDaily.costMicrousd}), 0)::float8`,
  globalCostMicrousd: sql<number>`coalesce(sum(${usageDaily.costMicrousd}) filter (where ${usageDaily.keySource} = 'global'), 0)::float8`,
  personalCostMicrousd: sql<number>`coalesce(sum(${usageDaily.costMicrousd}) filter (where ${usageDaily.keySource} = 'personal'), 0)::float8`,
};

const groupColumn = {
  day: sql<string>`${usageDaily.day}::text`,
  provider: sql<string>`${usageDaily.provider}`,
  model: sql<string>`${usageDaily.provider} || '/' || ${usageDaily.model}`,
  source: sql<string>`${usageDaily.keySource}`,
  user: sql<string>`${usageDaily.userId}`,
} satisfies Record<Grouping, unknown>;

const numeric = (row: Record<string, unknown>): UsageTotals => ({
  requests: Number(row.requests),
  errors: Number(row.errors),
  inputTokens: Number(row.inputTokens),
  outputTokens: Number(row.outputTokens),
  cachedInputTokens: Number(row.cachedInputTokens),
  costMicrousd: Number(row.costMicrousd),
  globalCostMicrousd: Number(row.globalCostMicrousd),
  personalCostMicrousd: Number(row.personalCostMicrousd),
});

type Range = { userId?: string; from: string; to: string };

export function createUsageStats(db: Database) {
  const inRange = (options: Range) =>
    and(
      gte(usageDaily.day, options.from),
      lte(usageDaily.day, options.to),
      options.userId ? eq(usageDaily.userId, options.userId) : undefined,
    );

  async function totalsOf(where: ReturnType<typeof inRange>) {
    const [totalsRow] = await db.select(sums).from(usageDaily).where(where);
    return numeric(totalsRow ?? {});
  }

  async function seriesOf(where: ReturnType<typeof inRange>, groupBy: Grouping): Promise<UsageRow[]> {
    const key = groupColumn[groupBy];
    // Grouped by user, the series keys are user ids, top spenders of the operator's money
    // first; names and addresses come from the users module (usage-routes.ts), not a join.
    const orderBy =
      groupBy === 'day'
        ? [key]
        : groupBy === 'user'
          ? [desc(sums.globalCostMicrousd), desc(sums.costMicrousd)]
          : [desc(sums.costMicrousd)];
    const rows = await db
      .select({ key, ...sums })
      .from(usageDaily)
      .where(where)
      .groupBy(key)
      .orderBy(...orderBy);
    return rows.map((row) => ({ key: row.key, ...numeric(row) }));
  }

  return {
    /** How many usage rows (one per model call) the user has (what deleting the account removes). */
    async rowCount(userId: string): Promise<number> {
      const [row] = await db.select({ rows: count() }).from(usageEvent).where(eq(usageEvent.userId, userId));
      return row?.rows ?? 0;
    },

    async query(options: Range & { groupBy: Grouping }) {
      const where = inRange(options);
      const [totals, series] = await Promise.all([totalsOf(where), seriesOf(where, options.groupBy)]);
      return { totals, series };
    },

    /** The totals (read once) and several series over one range (the usage page's report). */
    async report<G extends Grouping>(options: Range & { groupings: readonly G[] }) {
      const where = inRange(options);
      const [totals, ...answers] = await Promise.all([
        totalsOf(where),
        ...options.groupings.map((groupBy) => seriesOf(where, groupBy)),
      ]);
      const series = Object.fromEntries(options.groupings.map((groupBy, index) => [groupBy, answers[index] ?? []]));
      return { totals: totals as UsageTotals, series: series as Record<G, UsageRow[]> };
    },
  };
}

export type UsageStats = ReturnType<typeof createUsageStats>;

const KEY_HEADERS = {
  day: { fr: 'Jour', en: 'Day' },
  provider: { fr: 'Fournisseur', en: 'Provider' },
  model: { fr: 'Modèle', en: 'Model' },
  source: { fr: 'Clé', en: 'Key' },
  user: { fr: 'Utilisateur (id)', en: 'User (id)' },
} satisfies Record<Grouping, unknown>;

const money = (id: string, fr: string, en: string, value: (row: UsageRow) => number) => [
  csvColumn<UsageRow>({ id, header: { fr, en }, kind: 'money', value }),
  csvColumn<UsageRow>({
    id: `${id}Microusd`,
    header: { fr: `${fr} (micro-dollars)`, en: `${en} (micro-dollars)` },
    kind: 'microusd',
    value,
  }),
];

/** The CSV export's columns, in order (`key` is named after the grouping; name and email only by user). */
export function usageCsvColumns(groupBy: Grouping): CsvColumn<UsageRow>[] {
  return [
    csvColumn<UsageRow>({
      id: 'key',
      header: KEY_HEADERS[groupBy],
      kind: groupBy === 'day' ? 'day' : 'text',
      value: (row) => row.key,
    }),
    ...(groupBy === 'user'
      ? [
          csvColumn<UsageRow>({
            id: 'name',
            header: { fr: 'Nom', en: 'Name' },
            kind: 'text',
            value: (row) => row.name,
          }),
          csvColumn<UsageRow>({
            id: 'email',
            header: { fr: 'Adresse e-mail', en: 'Email' },
            kind: 'text',
            value: (row) => row.email,
          }),
        ]
      : []),
    csvColumn<UsageRow>({
      id: 'requests',
      header: { fr: 'Requêtes', en: 'Requests' },
      kind: 'integer',
      value: (row) => row.requests,
    }),
    csvColumn<UsageRow>({
      id: 'errors',
      header: { fr: 'Erreurs', en: 'Errors' },
      kind: 'integer',
      value: (row) => row.errors,
    }),
    csvColumn<UsageRow>({
      id: 'inputTokens',
      header: { fr: "Jetons d'entrée", en: 'Input tokens' },
      kind: 'integer',
      value: (row) => row.inputTokens,
    }),
    csvColumn<UsageRow>({
      id: 'outputTokens',
      header: { fr: 'Jetons de sortie', en: 'Output tokens' },
      kind: 'integer',
      value: (row) => row.outputTokens,
    }),
    csvColumn<UsageRow>({
      id: 'cachedInputTokens',
      header: { fr: "Jetons d'entrée en cache", en: 'Cached input tokens' },
      kind: 'integer',
      value: (row) => row.cachedInputTokens,
    }),
    ...money('cost', 'Coût', 'Cost', (row) => row.costMicrousd),
    ...money('globalCost', 'Coût sur les clés globales', 'Cost on the global keys', (row) => row.globalCostMicrousd),
    ...money(
      'personalCost',
      'Coût sur les clés personnelles',
      'Cost on personal keys',
      (row) => row.personalCostMicrousd,
    ),
  ];
}
