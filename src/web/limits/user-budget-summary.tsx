// Admin › Users' budget cell: a user's effective global budget against what they spent on the
// global keys this day and month, where each limit comes from (own, group, plan, default), and
// whether they have settings of their own.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { UserLimitsSummary } from '../api/types.ts';
import { budgetAmount } from './budget-text.ts';

type Unit = 'microusd' | 'tokens';
type LimitName = 'dayMicrousd' | 'monthMicrousd' | 'dayTokens' | 'monthTokens';
type Origin = NonNullable<UserLimitsSummary['origins']>['global'][string];

/** "groupe 3e B", "abonnement Pro", "par défaut". */
export function originText(t: TFunction, origin: Origin | undefined): string | null {
  if (!origin) return null;
  if (origin.origin === 'plan' && !origin.name) return t('admin.limits.origin.planUnnamed');
  return t(`admin.limits.origin.${origin.origin}`, { name: origin.name ?? '' });
}

export function UserBudgetSummary({ summary }: { summary: UserLimitsSummary }) {
  const { t } = useTranslation();
  const budget = summary.effective.global;
  const spent = summary.spentGlobal;
  const own = Object.values(summary.override).some((value) => value !== null);
  const candidates: Array<{
    key: 'spentPerMonth' | 'spentPerDay';
    unit: Unit;
    name: LimitName;
    limit: number | null;
    spent: number;
  }> = budget
    ? [
        {
          key: 'spentPerMonth',
          unit: 'microusd',
          name: 'monthMicrousd',
          limit: budget.monthMicrousd,
          spent: spent.monthMicrousd,
        },
        {
          key: 'spentPerDay',
          unit: 'microusd',
          name: 'dayMicrousd',
          limit: budget.dayMicrousd,
          spent: spent.dayMicrousd,
        },
        {
          key: 'spentPerMonth',
          unit: 'tokens',
          name: 'monthTokens',
          limit: budget.monthTokens,
          spent: spent.monthTokens,
        },
        { key: 'spentPerDay', unit: 'tokens', name: 'dayTokens', limit: budget.dayTokens, spent: spent.dayTokens },
      ]
    : [];
  const rows = candidates.flatMap((row) => (row.limit === null ? [] : [{ ...row, limit: row.limit }]));
  return (
    <>
      {rows.length === 0 ? (
        <span>{t('admin.limits.noLimit')}</span>
      ) : (
        rows.map((row) => {
          const line = t(`admin.limits.${row.key}`, {
            spent: budgetAmount(t, row.unit, row.spent),
            limit: budgetAmount(t, row.unit, row.limit),
          });
          const origin = originText(t, summary.origins?.global[row.name]);
          return (
            <span key={`${row.unit}-${row.key}`}>
              {origin ? t('admin.limits.withOrigin', { limit: line, origin }) : line}
            </span>
          );
        })
      )}
      {own && <span className="badge badge-neutral">{t('admin.limits.ownSettings')}</span>}
    </>
  );
}
