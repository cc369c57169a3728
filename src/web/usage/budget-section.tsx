// "My usage" starts with the signed-in user's budgets, one bar per limit, and their rate limits.
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/error-messages.ts';
import type { MyLimits } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';
import { BudgetBar, BudgetNotice, BudgetRemaining } from '../limits/budget-lines.tsx';
import { useLimits } from '../limits/use-limits.ts';
import { UsageSection } from './usage-section.tsx';

export function BudgetSection({ limits }: { limits: MyLimits }) {
  const { t } = useTranslation();
  const { budgets, rateLimits } = limits;
  return (
    <UsageSection title={t('usage.budget.title')}>
      {budgets.length === 0 ? (
        <p data-testid="budget-none">{t('usage.budget.none')}</p>
      ) : (
        <>
          <p className="muted">{t('usage.budget.intro')}</p>
          <BudgetNotice lines={budgets} />
          {/* The server's one figure per key source: what the chat shows and a refusal gives. */}
          {(['global', 'personal'] as const).map((source) => {
            const line = limits.left[source];
            return line ? <BudgetRemaining key={source} line={line} /> : null;
          })}
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
    </UsageSection>
  );
}

/** The signed-in user's budget section; nothing while loading. */
export function MyBudget() {
  const { t } = useTranslation();
  const { limits, error } = useLimits();
  if (error) return <Notice kind="error">{errorMessage(t, error)}</Notice>;
  return limits ? <BudgetSection limits={limits} /> : null;
}
