// The figures at a glance: cost, what of it ran on the global keys, requests (and failures), tokens.
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format.ts';
import { share, type UsageTotals } from './usage-data.ts';
import type { UsageScope } from './use-usage-report.ts';

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="stat card">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {detail && <div className="stat-detail muted">{detail}</div>}
    </div>
  );
}

export function UsageStats({ totals, scope }: { totals: UsageTotals; scope: UsageScope }) {
  const { t } = useTranslation();
  const format = useFormat();
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
  );
}
