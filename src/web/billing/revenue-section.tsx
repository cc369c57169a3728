// Admin › Consommation's money view (GET /api/admin/billing/revenue) for the page's range: what
// subscriptions brought in and the monthly recurring revenue, per currency; subscribers per plan;
// payments in trouble; and per user, revenue against the global keys' cost, with the margin at the
// exchange rates the admin set (and saying so).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminUser, BillingSettingsView, RevenueView } from '../api/types.ts';
import { DataTable } from '../components/data-table.tsx';
import { Notice } from '../components/notice.tsx';
import { useFormat } from '../format.ts';
import { UsageSection } from '../usage/usage-section.tsx';
import { amountsText, marginText } from './money-text.ts';
import { marginOf, ratesUsed, statusCounts, totalCost } from './revenue-figures.ts';
import { RevenueUsersTable } from './revenue-users-table.tsx';

type Loaded = { report: RevenueView; settings: BillingSettingsView; users: AdminUser[] };

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat card" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}

export function RevenueSection({ range }: { range: { from: string; to: string } }) {
  const { from, to } = range;
  const { t } = useTranslation();
  const format = useFormat();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let cancelled = false;
    Promise.all([api.revenue({ from, to }), api.billingSettings(), api.users()])
      .then(([report, settings, users]) => {
        if (cancelled) return;
        setLoaded({ report, settings, users: users.users });
        setError(null);
      })
      .catch((caught) => {
        if (!cancelled) setError(caught);
      });
    return () => {
      cancelled = true;
    };
  }, [from, to]);

  if (error !== null) {
    return (
      <UsageSection title={t('money.title')}>
        <Notice kind="error">{errorMessage(t, error)}</Notice>
      </UsageSection>
    );
  }
  if (!loaded) return null;
  const { report, settings, users } = loaded;
  const rates = settings.usdPerCurrency;
  const cost = totalCost(report.users);
  const counts = statusCounts(report.users);
  const used = ratesUsed(report.totals, rates);
  const nameOf = (userId: string) => users.find((user) => user.id === userId)?.name ?? userId;

  return (
    <UsageSection title={t('money.title')}>
      <div className="stats-grid">
        <Figure label={t('money.revenue')} value={amountsText(report.totals, format.locale)} testId="money-revenue" />
        <Figure label={t('money.mrr')} value={amountsText(report.mrr, format.locale)} testId="money-mrr" />
        <Figure label={t('money.globalCost')} value={format.money(cost)} />
        <Figure
          label={t('money.margin')}
          value={marginText(t, marginOf(report.totals, cost, rates), format.money)}
          testId="money-margin"
        />
      </div>
      <p className="muted small" data-testid="money-rates">
        {used.length > 0
          ? t('money.ratesNote', {
              rates: used
                .map(({ currency, rate }) => `1 ${currency.toUpperCase()} = ${format.number(rate)} $`)
                .join(', '),
            })
          : t('money.ratesNoteNone')}
      </p>
      <p data-testid="money-counts">
        {t('money.counts', {
          pastDue: format.number(counts.pastDue),
          unpaid: format.number(counts.unpaid),
          cancelling: format.number(counts.cancelling),
          canceled: format.number(counts.canceled),
        })}
      </p>
      <h3 className="section-subtitle">{t('money.byPlan')}</h3>
      <DataTable
        caption={t('money.byPlan')}
        columns={[
          { key: 'plan', header: t('billing.plan'), cell: (row) => row.name },
          { key: 'count', header: t('money.subscribers'), numeric: true, cell: (row) => format.number(row.count) },
        ]}
        rows={report.subscribersByPlan}
        rowKey={(row) => row.planId}
        empty={t('money.noSubscribers')}
      />
      <h3 className="section-subtitle">{t('money.byUser')}</h3>
      <RevenueUsersTable users={report.users} nameOf={nameOf} usdPerCurrency={rates} />
    </UsageSection>
  );
}
