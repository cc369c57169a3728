// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetLineView } from '../../shared/limits.ts';
import { renderWithApp } from '../test-utils.tsx';
import { BudgetBar, BudgetNotice, BudgetRemaining } from './budget-lines.tsx';

afterEach(cleanup);

const RESETS_AT = '2026-03-02T00:00:00.000Z';
const when = (locale: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(RESETS_AT));
/** Intl writes narrow no-break spaces in French amounts; compare with plain ones. */
const text = (element: HTMLElement) => element.textContent?.replace(/\s/g, ' ') ?? '';

const line = (overrides: Partial<BudgetLineView> = {}): BudgetLineView => ({
  source: 'global',
  period: 'day',
  unit: 'microusd',
  limit: 2_000_000,
  spent: 1_580_000,
  held: 0,
  remaining: 420_000,
  percent: 79,
  resetsAt: RESETS_AT,
  ...overrides,
});

describe('budget lines', () => {
  it('says what is left of the budget, in English and in French', () => {
    renderWithApp(<BudgetRemaining line={line()} />);
    expect(screen.getByTestId('budget-remaining').textContent).toBe('Today’s budget: $0.42 left');
    cleanup();
    renderWithApp(
      <BudgetRemaining line={line({ period: 'month', unit: 'tokens', limit: 50_000, remaining: 12_000 })} />,
      {
        language: 'fr',
      },
    );
    expect(text(screen.getByTestId('budget-remaining'))).toBe('Budget du mois : 12 000 jetons restants');
  });

  it('shows no notice under 80 %, a warning from 80 % and an error when used up, with the reset time', () => {
    const { container } = renderWithApp(<BudgetNotice lines={[line()]} />);
    expect(container.textContent).toBe('');
    cleanup();

    renderWithApp(<BudgetNotice lines={[line({ percent: 80, spent: 1_600_000, remaining: 400_000 })]} />);
    const warning = screen.getByRole('status');
    expect(warning.className).toContain('notice-warning');
    expect(warning.textContent).toBe(`Daily budget on the global keys: 80 % used, $0.40 left until ${when('en')}.`);
    cleanup();

    renderWithApp(
      <BudgetNotice lines={[line({ period: 'month', percent: 100.4, spent: 2_008_000, remaining: 0 })]} />,
      { language: 'fr' },
    );
    expect(text(screen.getByRole('alert'))).toBe(
      `Budget du mois sur les clés globales : épuisé. Les requêtes sur ces clés sont refusées jusqu’à la remise à zéro, le ${when('fr').replace(/\s/g, ' ')}.`,
    );
  });

  it('draws spent and held against the limit, with what is left', () => {
    renderWithApp(
      <ul>
        <BudgetBar
          line={line({ source: 'personal', spent: 1_000_000, held: 500_000, remaining: 500_000, percent: 50 })}
        />
      </ul>,
    );
    const item = screen.getByTestId('budget-line-personal-day-microusd');
    expect(item.textContent).toContain('Daily budget on your personal keys');
    expect(item.textContent).toContain('$1.00 spent of $2.00');
    expect(item.textContent).toContain('$0.50 left');
    expect(item.textContent).toContain('$0.50 reserved for answers in progress');
    expect(item.textContent).toContain(`Resets on ${when('en')}`);
    const bar = screen.getByRole('progressbar', { name: 'Daily budget on your personal keys' });
    expect(bar.getAttribute('aria-valuenow')).toBe('50');
    expect((bar.querySelector('.budget-bar-held') as HTMLElement).style.width).toBe('25%');
  });
});
