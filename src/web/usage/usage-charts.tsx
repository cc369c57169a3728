// The usage pages' charts, one bar per day of the range: cost (global and personal keys stacked)
// and tokens (input and output stacked). Each is an image with a description for screen readers;
// the tables below hold the same figures.
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useFormat } from '../format.ts';
import type { UsageRow } from './usage-data.ts';

const GLOBAL_COLOR = '#4f46e5';
const PERSONAL_COLOR = '#16a34a';
const TOKENS_IN_COLOR = '#0ea5e9';
const TOKENS_OUT_COLOR = '#f59e0b';

/** "3 Mar": a day of the range, written as the server counted it (a calendar day, not an instant). */
function useDayLabel() {
  const { locale } = useFormat();
  return (day: string) =>
    new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
      new Date(`${day}T00:00:00Z`),
    );
}

export function CostChart({ days }: { days: UsageRow[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const dayLabel = useDayLabel();
  // The axis counts dollars; the labels write them as money again.
  const data = days.map((row) => ({
    ...row,
    global: row.globalCostMicrousd / 1e6,
    personal: row.personalCostMicrousd / 1e6,
  }));
  return (
    <div className="chart" role="img" aria-label={t('usage.costOverTimeDescription')}>
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="key" tickFormatter={dayLabel} minTickGap={16} />
          <YAxis tickFormatter={(value: number) => format.money(value * 1e6)} width={80} />
          <Tooltip
            labelFormatter={(label) => dayLabel(String(label))}
            formatter={(value) => format.money(Number(value) * 1e6)}
          />
          <Legend />
          <Bar dataKey="global" name={t('sourceNames.global')} stackId="cost" fill={GLOBAL_COLOR} />
          <Bar dataKey="personal" name={t('sourceNames.personal')} stackId="cost" fill={PERSONAL_COLOR} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function TokensChart({ days }: { days: UsageRow[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const dayLabel = useDayLabel();
  return (
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
          <Bar dataKey="inputTokens" name={t('usage.inputTokens')} stackId="tokens" fill={TOKENS_IN_COLOR} />
          <Bar dataKey="outputTokens" name={t('usage.outputTokens')} stackId="tokens" fill={TOKENS_OUT_COLOR} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
