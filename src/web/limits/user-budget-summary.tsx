// Admin › Users' budget cell: a user's effective global budget against what they spent on the
// global keys this day and month, and whether they have settings of their own.
import { useTranslation } from 'react-i18next';
import type { UserLimitsSummary } from '../api/types.ts';
import { budgetAmount } from './budget-text.ts';

type Unit = 'microusd' | 'tokens';

export function UserBudgetSummary({ summary }: { summary: UserLimitsSummary }) {
  const { t } = useTranslation();
  const budget = summary.effective.global;
  const spent = summary.spentGlobal;
  const own = Object.values(summary.override).some((value) => value !== null);
  const candidates: Array<{ key: 'spentPerMonth' | 'spentPerDay'; unit: Unit; limit: number | null; spent: number }> =
    budget
      ? [
          { key: 'spentPerMonth', unit: 'microusd', limit: budget.monthMicrousd, spent: spent.monthMicrousd },
          { key: 'spentPerDay', unit: 'microusd', limit: budget.dayMicrousd, spent: spent.dayMicrousd },
          { key: 'spentPerMonth', unit: 'tokens', limit: budget.monthTokens, spent: spent.monthTokens },
          { key: 'spentPerDay', unit: 'tokens', limit: budget.dayTokens, spent: spent.dayTokens },
        ]
      : [];
  const rows = candidates.flatMap((row) => (row.limit === null ? [] : [{ ...row, limit: row.limit }]));
  return (
    <>
      {rows.length === 0 ? (
        <span>{t('admin.limits.noLimit')}</span>
      ) : (
        rows.map((row) => (
          <span key={`${row.unit}-${row.key}`}>
            {t(`admin.limits.${row.key}`, {
              spent: budgetAmount(t, row.unit, row.spent),
              limit: budgetAmount(t, row.unit, row.limit),
            })}
          </span>
        ))
      )}
      {own && <span className="badge badge-neutral">{t('admin.limits.ownSettings')}</span>}
    </>
  );
}
