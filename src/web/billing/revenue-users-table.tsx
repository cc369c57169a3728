// The money view per user: their plan and status, what their subscription brought in over the
// range (in its currency), what they cost on the global keys (dollars), and the margin at the
// admin's rates.
import { useTranslation } from 'react-i18next';
import type { RevenueView } from '../api/types.ts';
import { type Column, DataTable } from '../components/data-table.tsx';
import { useFormat } from '../format.ts';
import { statusText } from './billing-text.ts';
import { amountsText, marginText } from './money-text.ts';
import { marginOf } from './revenue-figures.ts';

type Row = RevenueView['users'][number];

export function RevenueUsersTable({
  users,
  nameOf,
  usdPerCurrency,
}: {
  users: Row[];
  nameOf: (userId: string) => string;
  usdPerCurrency: Record<string, number>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const columns: Column<Row>[] = [
    { key: 'user', header: t('money.user'), cell: (row) => nameOf(row.userId) },
    { key: 'plan', header: t('billing.plan'), cell: (row) => row.plan?.name ?? t('billing.noPlan') },
    { key: 'status', header: t('billing.statusLabel'), cell: (row) => statusText(t, row.status) },
    {
      key: 'revenue',
      header: t('money.revenue'),
      numeric: true,
      cell: (row) => amountsText(row.revenue, format.locale),
    },
    {
      key: 'cost',
      header: t('money.globalCost'),
      numeric: true,
      cell: (row) => format.money(row.globalCostMicrousd),
    },
    {
      key: 'margin',
      header: t('money.margin'),
      numeric: true,
      testId: (row) => `margin-${row.userId}`,
      cell: (row) => marginText(t, marginOf(row.revenue, row.globalCostMicrousd, usdPerCurrency), format.money),
    },
  ];
  return (
    <DataTable
      caption={t('money.byUser')}
      columns={columns}
      rows={users}
      rowKey={(row) => row.userId}
      rowTestId="revenue-user"
      empty={t('money.noUsers')}
    />
  );
}
