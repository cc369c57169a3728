// "Ma consommation" / "My usage" (scope mine) and the operator's usage dashboard (scope admin):
// totals, cost and tokens over time, by provider and model, personal against global keys, and
// for the admin what each user cost on the global keys and the money view (subscriptions against
// that cost, billing/revenue-section.tsx). CSV export of every table. The user's own page starts
// with their budgets and rate limits. The figures are usage/use-usage-report.ts's.
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/error-messages.ts';
import { RevenueSection } from '../billing/revenue-section.tsx';
import { Notice } from '../components/notice.tsx';
import { providerName, useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { DisplaySettingsSection } from '../display/display-settings-section.tsx';
import { MyBudget } from '../usage/budget-section.tsx';
import { CsvLink } from '../usage/csv-link.tsx';
import { CostChart, TokensChart } from '../usage/usage-charts.tsx';
import { UsageRangeForm } from '../usage/usage-range-form.tsx';
import { UsageSection } from '../usage/usage-section.tsx';
import { UsageStats } from '../usage/usage-stats.tsx';
import { modelLabel, UsageTable, UsersUsageTable } from '../usage/usage-tables.tsx';
import { useUsageRange } from '../usage/use-usage-range.ts';
import { type UsageScope, useUsageReport } from '../usage/use-usage-report.ts';

export function UsagePage({ scope }: { scope: UsageScope }) {
  const { t } = useTranslation();
  const { catalog } = useCatalog();
  const { preset, setPreset, custom, setCustom, range } = useUsageRange();
  const { report, error } = useUsageReport(scope, range);
  const title = scope === 'admin' ? t('usage.adminTitle') : t('usage.title');
  useDocumentTitle(title);

  return (
    <div className="page usage-page">
      <h1>{title}</h1>
      <p className="muted">{scope === 'admin' ? t('usage.adminIntro') : t('usage.intro')}</p>
      {scope === 'mine' && <MyBudget />}

      <UsageRangeForm preset={preset} onPreset={setPreset} custom={custom} onCustom={setCustom} range={range} />

      {error !== null && <Notice kind="error">{errorMessage(t, error)}</Notice>}
      {!report ? (
        error === null && <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <UsageStats totals={report.totals} scope={scope} range={range} />
          {scope === 'admin' && <RevenueSection range={range} />}
          {report.totals.requests === 0 ? (
            <Notice kind="info">{t('usage.empty')}</Notice>
          ) : (
            <>
              <UsageSection
                title={t('usage.costOverTime')}
                actions={<CsvLink scope={scope} range={range} groupBy="day" />}
              >
                <CostChart days={report.days} />
              </UsageSection>
              <UsageSection title={t('usage.tokensOverTime')}>
                <TokensChart days={report.days} />
              </UsageSection>

              {report.byUser && (
                <UsageSection
                  title={t('usage.byUser')}
                  actions={<CsvLink scope={scope} range={range} groupBy="user" />}
                >
                  <UsersUsageTable rows={report.byUser} />
                </UsageSection>
              )}

              <div className="usage-columns">
                <UsageSection
                  title={t('usage.byProvider')}
                  actions={<CsvLink scope={scope} range={range} groupBy="provider" />}
                >
                  <UsageTable
                    caption={t('usage.byProvider')}
                    rows={report.byProvider}
                    label={(key) => providerName(catalog, key)}
                  />
                </UsageSection>
                <UsageSection
                  title={t('usage.byModel')}
                  actions={<CsvLink scope={scope} range={range} groupBy="model" />}
                >
                  <UsageTable
                    caption={t('usage.byModel')}
                    rows={report.byModel}
                    label={(key) => modelLabel(catalog, key)}
                  />
                </UsageSection>
              </div>
            </>
          )}
          <p className="muted small">{t('usage.timezoneNote', { timezone: report.timezone })}</p>
        </>
      )}
      {scope === 'admin' && <DisplaySettingsSection />}
    </div>
  );
}
