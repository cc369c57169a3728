// The usage pages' tables: requests, tokens and cost per provider or model, and for the admin what
// each user cost on the global keys against their personal keys.
import { useTranslation } from 'react-i18next';
import { type Column, DataTable } from '../components/data-table.tsx';
import { type Catalog, providerName } from '../components/use-catalog.ts';
import { useFormat } from '../format.ts';
import type { UsageRow } from './usage-data.ts';

/** "OpenAI · GPT-4o mini" for `openai/gpt-4o-mini`; a model outside the catalogue by its id. */
export function modelLabel(catalog: Catalog | null, key: string): string {
  const [provider = '', ...rest] = key.split('/');
  const model = rest.join('/');
  const known = catalog?.providers.find((entry) => entry.id === provider)?.models.find((entry) => entry.id === model);
  return `${providerName(catalog, provider)} · ${known?.name ?? model}`;
}

export function UsageTable({
  caption,
  rows,
  label,
}: {
  caption: string;
  rows: UsageRow[];
  /** The row's name from its key (a provider or a provider/model). */
  label: (key: string) => string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const columns: Column<UsageRow>[] = [
    { key: 'name', header: t('usage.name'), cell: (row) => label(row.key) },
    { key: 'requests', header: t('usage.requests'), numeric: true, cell: (row) => format.number(row.requests) },
    {
      key: 'tokens',
      header: t('usage.tokens'),
      numeric: true,
      cell: (row) => format.number(row.inputTokens + row.outputTokens),
    },
    { key: 'cost', header: t('usage.cost'), numeric: true, cell: (row) => format.money(row.costMicrousd) },
  ];
  return (
    <DataTable caption={caption} columns={columns} rows={rows} rowKey={(row) => row.key} className="usage-table" />
  );
}

export function UsersUsageTable({ rows }: { rows: UsageRow[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const columns: Column<UsageRow>[] = [
    { key: 'name', header: t('admin.name'), cell: (row) => row.name },
    { key: 'email', header: t('admin.email'), cell: (row) => row.email },
    { key: 'requests', header: t('usage.requests'), numeric: true, cell: (row) => format.number(row.requests) },
    {
      key: 'tokens',
      header: t('usage.tokens'),
      numeric: true,
      cell: (row) => format.number(row.inputTokens + row.outputTokens),
    },
    {
      key: 'operatorCost',
      header: t('usage.operatorCost'),
      numeric: true,
      className: 'strong',
      cell: (row) => format.money(row.globalCostMicrousd),
    },
    {
      key: 'personalCost',
      header: t('usage.personalCost'),
      numeric: true,
      cell: (row) => format.money(row.personalCostMicrousd),
    },
  ];
  return (
    <DataTable
      caption={t('usage.byUser')}
      columns={columns}
      rows={rows}
      rowKey={(row) => row.key}
      className="usage-table"
    />
  );
}
