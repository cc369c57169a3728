// "Ma consommation" / "My usage" (scope mine) and the operator's usage dashboard (scope admin):
// totals, cost and tokens over time, by provider and model, personal against global keys, and
// for the admin what each user cost on the global keys. CSV export of every table. The user's own
// page starts with their budgets and rate limits.
import { type ReactNode, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, usageUrl } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { MyLimits } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';
import { providerName, useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { formatMoney, useFormat } from '../format.ts';
import { BudgetBar, BudgetNotice } from '../limits/budget-lines.tsx';
import { useLimits } from '../limits/use-limits.ts';
import { fillDays, presetRange, type RangePreset, share, type UsageReport } from '../usage/usage-data.ts';

const GLOBAL_COLOR = '#4f46e5';
const PERSONAL_COLOR = '#16a34a';
const TOKENS_IN_COLOR = '#0ea5e9';
const TOKENS_OUT_COLOR = '#f59e0b';

const todayIso = () => new Date().toISOString().slice(0, 10);

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="stat card">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {detail && <div className="stat-detail muted">{detail}</div>}
    </div>
  );
}

function Section({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card usage-section">
      <div className="usage-section-header">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** The budgets that apply to the signed-in user, one bar per limit, and their rate limits. */
export function BudgetSection({ limits }: { limits: MyLimits }) {
  const { t } = useTranslation();
  const { budgets, rateLimits } = limits;
  return (
    <Section title={t('usage.budget.title')}>
      {budgets.length === 0 ? (
        <p data-testid="budget-none">{t('usage.budget.none')}</p>
      ) : (
        <>
          <p className="muted">{t('usage.budget.intro')}</p>
          <BudgetNotice lines={budgets} />
          <ul className="budget-lines">
            {budgets.map((line) => (
              <BudgetBar key={`${line.source}-${line.period}-${line.unit}`} line={line} />
            ))}
          </ul>
        </>
      )}
      <h3>{t('usage.budget.rateLimits')}</h3>
      <ul className="rate-limits" data-testid="rate-limits">
        <li>{t('usage.budget.requestsPerMinute', { value: rateLimits.requestsPerMinute })}</li>
        <li>
          {rateLimits.tokensPerMinute === null
            ? t('usage.budget.noTokensPerMinute')
            : t('usage.budget.tokensPerMinute', { value: rateLimits.tokensPerMinute })}
        </li>
      </ul>
      {budgets.length > 0 && (
        <p className="muted small">{t('usage.budget.timezoneNote', { timezone: limits.timezone })}</p>
      )}
    </Section>
  );
}

/** The user's own budget section; nothing while loading. */
function MyBudget() {
  const { t } = useTranslation();
  const { limits, error } = useLimits();
  if (error) return <Notice kind="error">{errorMessage(t, error)}</Notice>;
  return limits ? <BudgetSection limits={limits} /> : null;
}

export function UsagePage({ scope }: { scope: 'mine' | 'admin' }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { catalog } = useCatalog();
  const id = useId();
  const [preset, setPreset] = useState<RangePreset>('thisMonth');
  const [custom, setCustom] = useState(() => presetRange('thisMonth', todayIso()));
  const range = preset === 'custom' ? custom : presetRange(preset, todayIso());
  const { from, to } = range;
  const [reports, setReports] = useState<Record<string, UsageReport> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle(scope === 'admin' ? t('usage.adminTitle') : t('usage.title'));

  const groupings = useMemo(
    () => (scope === 'admin' ? ['day', 'provider', 'model', 'user'] : ['day', 'provider', 'model']),
    [scope],
  );

  useEffect(() => {
    let cancelled = false;
    setError(null);
    Promise.all(groupings.map((groupBy) => api.usage(scope, { from, to, groupBy })))
      .then((answers) => {
        if (!cancelled)
          setReports(Object.fromEntries(groupings.map((groupBy, index) => [groupBy, answers[index] as UsageReport])));
      })
      .catch((caught: unknown) => {
        if (!cancelled) setError(errorMessage(t, caught));
      });
    return () => {
      cancelled = true;
    };
  }, [scope, from, to, groupings, t]);

  const money = (microusd: number) => formatMoney(microusd, format.locale);
  const csvLink = (groupBy: string) => (
    <a className="button button-ghost" href={usageUrl(scope, { ...range, groupBy, format: 'csv' })} download>
      {t('usage.exportCsv')}
    </a>
  );
  const modelLabel = (key: string) => {
    const [provider = '', ...rest] = key.split('/');
    const model = rest.join('/');
    const known = catalog?.providers.find((entry) => entry.id === provider)?.models.find((entry) => entry.id === model);
    return `${providerName(catalog, provider)} · ${known?.name ?? model}`;
  };

  const totals = reports?.day?.totals;
  const days = reports?.day ? fillDays(reports.day.series, range.from, range.to) : [];
  const dayLabel = (day: string) =>
    new Intl.DateTimeFormat(format.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
      new Date(`${day}T00:00:00Z`),
    );

  return (
    <div className="page usage-page">
      <h1>{scope === 'admin' ? t('usage.adminTitle') : t('usage.title')}</h1>
      <p className="muted">{scope === 'admin' ? t('usage.adminIntro') : t('usage.intro')}</p>
      {scope === 'mine' && <MyBudget />}

      <form className="usage-range card" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor={`${id}-preset`}>{t('usage.range')}</label>
        <select id={`${id}-preset`} value={preset} onChange={(event) => setPreset(event.target.value as RangePreset)}>
          {(['thisMonth', 'lastMonth', 'last7', 'last30', 'custom'] as const).map((value) => (
            <option key={value} value={value}>
              {t(`usage.presets.${value}`)}
            </option>
          ))}
        </select>
        {preset === 'custom' && (
          <>
            <label htmlFor={`${id}-from`}>{t('usage.from')}</label>
            <input
              id={`${id}-from`}
              type="date"
              value={custom.from}
              max={custom.to}
              onChange={(event) => event.target.value && setCustom({ ...custom, from: event.target.value })}
            />
            <label htmlFor={`${id}-to`}>{t('usage.to')}</label>
            <input
              id={`${id}-to`}
              type="date"
              value={custom.to}
              min={custom.from}
              onChange={(event) => event.target.value && setCustom({ ...custom, to: event.target.value })}
            />
          </>
        )}
        <span className="muted usage-range-summary">
          {t('usage.rangeSummary', {
            from: format.date(`${range.from}T12:00:00Z`),
            to: format.date(`${range.to}T12:00:00Z`),
          })}
        </span>
      </form>

      {error && <Notice kind="error">{error}</Notice>}
      {!reports || !totals ? (
        !error && <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <div className="stats-grid">
            <Stat label={t('usage.cost')} value={money(totals.costMicrousd)} />
            <Stat
              label={scope === 'admin' ? t('usage.operatorCost') : t('usage.globalCost')}
              value={money(totals.globalCostMicrousd)}
              detail={t('usage.shareOfCost', { percent: share(totals.globalCostMicrousd, totals.costMicrousd) })}
            />
            <Stat
              label={t('usage.requests')}
              value={format.number(totals.requests)}
              detail={t('usage.errorsCount', { count: totals.errors, formatted: format.number(totals.errors) })}
            />
            <Stat
              label={t('usage.tokens')}
              value={format.number(totals.inputTokens + totals.outputTokens)}
              detail={t('usage.tokensDetail', {
                input: format.number(totals.inputTokens),
                output: format.number(totals.outputTokens),
              })}
            />
          </div>

          {totals.requests === 0 ? (
            <Notice kind="info">{t('usage.empty')}</Notice>
          ) : (
            <>
              <Section title={t('usage.costOverTime')} actions={csvLink('day')}>
                <div className="chart" role="img" aria-label={t('usage.costOverTimeDescription')}>
                  <ResponsiveContainer width="100%" height={260}>
                    <BarChart
                      data={days.map((row) => ({
                        ...row,
                        global: row.globalCostMicrousd / 1e6,
                        personal: row.personalCostMicrousd / 1e6,
                      }))}
                    >
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      <XAxis dataKey="key" tickFormatter={dayLabel} minTickGap={16} />
                      <YAxis tickFormatter={(value: number) => money(value * 1e6)} width={80} />
                      <Tooltip
                        labelFormatter={(label) => dayLabel(String(label))}
                        formatter={(value) => money(Number(value) * 1e6)}
                      />
                      <Legend />
                      <Bar dataKey="global" name={t('sourceNames.global')} stackId="cost" fill={GLOBAL_COLOR} />
                      <Bar dataKey="personal" name={t('sourceNames.personal')} stackId="cost" fill={PERSONAL_COLOR} />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              </Section>

              <Section title={t('usage.tokensOverTime')}>
                <div className="chart" role="img" aria-label={t('usage.tokensOverTimeDescription')}>
                  <ResponsiveContainer width="100%" height={220}>
                    <BarChart data={days}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      <XAxis dataKey="key" tickFormatter={dayLabel} minTickGap={16} />
                      <YAxis tickFormatter={(value: number) => format.number(value)} width={80} />
                      <Tooltip
                        labelFormatter={(label) => dayLabel(String(label))}
                        formatter={(value) => format.number(Number(value))}
                      />
                      <Legend />
                      <Bar
                        dataKey="inputTokens"
                        name={t('usage.inputTokens')}
                        stackId="tokens"
                        fill={TOKENS_IN_COLOR}
                      />
                      <Bar
                        dataKey="outputTokens"
                        name={t('usage.outputTokens')}
                        stackId="tokens"
                        fill={TOKENS_OUT_COLOR}
                      />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              </Section>

              {scope === 'admin' && reports.user && (
                <Section title={t('usage.byUser')} actions={csvLink('user')}>
                  <div className="table-wrap">
                    <table className="usage-table">
                      <thead>
                        <tr>
                          <th scope="col">{t('admin.name')}</th>
                          <th scope="col">{t('admin.email')}</th>
                          <th scope="col" className="numeric">
                            {t('usage.requests')}
                          </th>
                          <th scope="col" className="numeric">
                            {t('usage.tokens')}
                          </th>
                          <th scope="col" className="numeric">
                            {t('usage.operatorCost')}
                          </th>
                          <th scope="col" className="numeric">
                            {t('usage.personalCost')}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {reports.user.series.map((row) => (
                          <tr key={row.key}>
                            <td>{row.name}</td>
                            <td>{row.email}</td>
                            <td className="numeric">{format.number(row.requests)}</td>
                            <td className="numeric">{format.number(row.inputTokens + row.outputTokens)}</td>
                            <td className="numeric strong">{money(row.globalCostMicrousd)}</td>
                            <td className="numeric">{money(row.personalCostMicrousd)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </Section>
              )}

              <div className="usage-columns">
                <Section title={t('usage.byProvider')} actions={csvLink('provider')}>
                  <UsageTable
                    rows={reports.provider?.series ?? []}
                    label={(key) => providerName(catalog, key)}
                    money={money}
                    number={format.number}
                  />
                </Section>
                <Section title={t('usage.byModel')} actions={csvLink('model')}>
                  <UsageTable
                    rows={reports.model?.series ?? []}
                    label={modelLabel}
                    money={money}
                    number={format.number}
                  />
                </Section>
              </div>
            </>
          )}
          <p className="muted small">{t('usage.timezoneNote', { timezone: reports.day?.timezone ?? 'UTC' })}</p>
        </>
      )}
    </div>
  );
}

function UsageTable({
  rows,
  label,
  money,
  number,
}: {
  rows: UsageReport['series'];
  label: (key: string) => string;
  money: (microusd: number) => string;
  number: (value: number) => string;
}) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="usage-table">
        <thead>
          <tr>
            <th scope="col">{t('usage.name')}</th>
            <th scope="col" className="numeric">
              {t('usage.requests')}
            </th>
            <th scope="col" className="numeric">
              {t('usage.tokens')}
            </th>
            <th scope="col" className="numeric">
              {t('usage.cost')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td>{label(row.key)}</td>
              <td className="numeric">{number(row.requests)}</td>
              <td className="numeric">{number(row.inputTokens + row.outputTokens)}</td>
              <td className="numeric">{money(row.costMicrousd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
