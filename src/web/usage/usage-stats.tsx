// The figures at a glance: cost, what of it ran on the global keys, requests (and failures), tokens.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../format.ts';
import { share, type UsageTotals } from './usage-data.ts';
import type { UsageScope } from './use-usage-report.ts';

function Stat({ label, value, detail }: { label: string; value: string; detail?: ReactNode }) {
  return (
    <div className="stat card">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {detail && <div className="stat-detail muted">{detail}</div>}
    </div>
  );
}

export function UsageStats({
  totals,
  scope,
  range,
}: {
  totals: UsageTotals;
  scope: UsageScope;
  /** The days shown: the failed count links to those requests in the log. */
  range?: { from: string; to: string };
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const failed = t('usage.errorsCount', { count: totals.errors, formatted: format.number(totals.errors) });
  return (
    <div className="stats-grid">
      <Stat label={t('usage.cost')} value={format.money(totals.costMicrousd)} />
      <Stat
        label={scope === 'admin' ? t('usage.operatorCost') : t('usage.globalCost')}
        value={format.money(totals.globalCostMicrousd)}
        detail={t('usage.shareOfCost', { percent: share(totals.globalCostMicrousd, totals.costMicrousd) })}
      />
      <Stat
        label={t('usage.requests')}
        value={format.number(totals.requests)}
        detail={
          range && totals.errors > 0 ? (
            <Link
              to={`${scope === 'admin' ? '/admin/requests' : '/requests'}?${new URLSearchParams({ status: 'failed', ...range })}`}
              title={t('requests.failedLink')}
              data-testid="failed-requests-link"
            >
              {failed}
            </Link>
          ) : (
            failed
          )
        }
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
  );
}
