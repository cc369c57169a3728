// Which budget line to show and when to warn: the logic behind the budget displays, kept out of the
// components so it can be tested alone.
import type { BudgetLineView, KeySourceName } from '../../shared/limits.ts';

/** From this share of a limit spent, the user is warned. */
export const WARNING_PERCENT = 80;

export type BudgetState = 'ok' | 'warning' | 'exhausted';

export function budgetState(line: BudgetLineView): BudgetState {
  if (line.percent >= 100 || line.remaining <= 0) return 'exhausted';
  return line.percent >= WARNING_PERCENT ? 'warning' : 'ok';
}

/** Share of the limit still free (0 to 1); a zero limit is fully used. */
const freeShare = (line: BudgetLineView) => (line.limit > 0 ? line.remaining / line.limit : 0);

/** The line of a key source that has the least room left, relative to its limit; null without one. */
export function tightestLine(lines: BudgetLineView[], source: KeySourceName): BudgetLineView | null {
  let tightest: BudgetLineView | null = null;
  for (const line of lines) {
    if (line.source !== source) continue;
    if (!tightest || freeShare(line) < freeShare(tightest)) tightest = line;
  }
  return tightest;
}

/**
 * What to tell the user about a set of lines: the used-up line that frees up last (nothing runs
 * before then), else the most used line past the warning threshold, else nothing.
 */
export function budgetAlert(
  lines: BudgetLineView[],
): { state: Exclude<BudgetState, 'ok'>; line: BudgetLineView } | null {
  const exhausted = lines.filter((line) => budgetState(line) === 'exhausted');
  if (exhausted.length > 0) {
    const line = exhausted.reduce((latest, item) =>
      Date.parse(item.resetsAt) > Date.parse(latest.resetsAt) ? item : latest,
    );
    return { state: 'exhausted', line };
  }
  const warned = lines.filter((line) => budgetState(line) === 'warning');
  if (warned.length === 0) return null;
  return { state: 'warning', line: warned.reduce((worst, item) => (item.percent > worst.percent ? item : worst)) };
}
