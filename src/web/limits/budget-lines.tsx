// Budgets in words and bars: the notice shown from 80 % of a limit and when one is used up, the
// chat's "x left" line, and the usage page's progress bar per limit.
import { useTranslation } from 'react-i18next';
import type { BudgetLineView } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';
import { budgetAlert, budgetState } from './budget-state.ts';
import { budgetAmount, lineTitle } from './budget-text.ts';

/** The warning (from 80 %) or the used-up notice for the worst of these lines; nothing when all is well. */
export function BudgetNotice({ lines }: { lines: BudgetLineView[] }) {
  const { t } = useTranslation();
  const alert = budgetAlert(lines);
  if (!alert) return null;
  const { line } = alert;
  return alert.state === 'exhausted' ? (
    <Notice kind="error" testId="budget-notice">
      {t('limits.exhausted', { line: lineTitle(t, line), resetsAt: line.resetsAt })}
    </Notice>
  ) : (
    <Notice kind="warning" testId="budget-notice">
      {t('limits.warning', {
        line: lineTitle(t, line),
        percent: Math.floor(line.percent),
        remaining: budgetAmount(t, line.unit, line.remaining),
        resetsAt: line.resetsAt,
      })}
    </Notice>
  );
}

/** The chat's one line: what is left of the tightest limit. */
export function BudgetRemaining({ line }: { line: BudgetLineView }) {
  const { t } = useTranslation();
  return (
    <p
      className={`budget-remaining budget-${budgetState(line)}`}
      data-testid="budget-remaining"
      title={lineTitle(t, line)}
    >
      {t(`limits.remaining.${line.period}`, { amount: budgetAmount(t, line.unit, line.remaining) })}
    </p>
  );
}

const percentOf = (part: number, whole: number) => (whole > 0 ? Math.min(100, Math.max(0, (part / whole) * 100)) : 100);

/** One limit: spent and held against the limit as a bar, what is left, and when it resets. */
export function BudgetBar({ line }: { line: BudgetLineView }) {
  const { t } = useTranslation();
  const amount = (value: number) => budgetAmount(t, line.unit, value);
  const spentWidth = percentOf(line.spent, line.limit);
  const heldWidth = Math.min(100 - spentWidth, percentOf(line.held, line.limit));
  const title = lineTitle(t, line);
  return (
    <li
      className={`budget-line budget-${budgetState(line)}`}
      data-testid={`budget-line-${line.source}-${line.period}-${line.unit}`}
    >
      <div className="budget-line-head">
        <strong>{title}</strong>
        <span>{t('limits.spentOf', { spent: amount(line.spent), limit: amount(line.limit) })}</span>
      </div>
      <div
        className="budget-bar"
        role="progressbar"
        aria-label={title}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(100, Math.round(line.percent))}
        aria-valuetext={t('limits.percentUsed', { percent: Math.floor(line.percent) })}
      >
        <span className="budget-bar-spent" style={{ width: `${spentWidth}%` }} />
        {heldWidth > 0 && <span className="budget-bar-held" style={{ width: `${heldWidth}%` }} />}
      </div>
      <div className="budget-line-detail muted">
        <span>{t('limits.left', { amount: amount(line.remaining) })}</span>
        {line.held > 0 && <span>{t('limits.held', { amount: amount(line.held) })}</span>}
        <span>{t('limits.resets', { resetsAt: line.resetsAt })}</span>
      </div>
    </li>
  );
}
