// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MyLimits } from '../../shared/limits.ts';
import { renderWithApp } from '../test-utils.tsx';
import { BudgetSection } from './budget-section.tsx';

afterEach(cleanup);

const globalMonth = {
  source: 'global',
  period: 'month',
  unit: 'microusd',
  limit: 5_000_000,
  spent: 4_500_000,
  held: 0,
  remaining: 500_000,
  percent: 90,
  resetsAt: '2026-04-01T00:00:00.000Z',
} as const;

const limits: MyLimits = {
  budgets: [
    {
      source: 'global',
      period: 'month',
      unit: 'microusd',
      limit: 5_000_000,
      spent: 4_500_000,
      held: 0,
      remaining: 500_000,
      percent: 90,
      resetsAt: '2026-04-01T00:00:00.000Z',
    },
    {
      source: 'personal',
      period: 'day',
      unit: 'tokens',
      limit: 10_000,
      spent: 1_000,
      held: 0,
      remaining: 9_000,
      percent: 10,
      resetsAt: '2026-03-02T00:00:00.000Z',
    },
  ],
  left: { global: globalMonth, personal: null },
  rateLimits: { requestsPerMinute: 60, tokensPerMinute: null },
  timezone: 'Europe/Paris',
};

describe('My usage › Budget', () => {
  it('draws one bar per limit, warns past 80 % and lists the rate limits', () => {
    renderWithApp(<BudgetSection limits={limits} />);
    expect(screen.getByTestId('budget-line-global-month-microusd').textContent).toContain('$4.50 spent of $5.00');
    expect(screen.getByTestId('budget-line-personal-day-tokens').textContent).toContain('9,000 tokens left');
    expect(screen.getByRole('status').textContent).toMatch(/^Monthly budget on the global keys: 90 % used/);
    expect(screen.getByTestId('rate-limits').textContent).toBe('60 requests per minuteNo limit on tokens per minute');
  });

  it("shows the server's one left figure per key source, as the chat does", () => {
    renderWithApp(<BudgetSection limits={limits} />, { language: 'fr' });
    const left = screen.getAllByTestId('budget-remaining');
    expect(left).toHaveLength(1);
    expect(left[0]?.textContent).toMatch(/0,50\s\$/);
  });

  it('says in one line that no budget applies', () => {
    renderWithApp(<BudgetSection limits={{ ...limits, budgets: [], left: { global: null, personal: null } }} />, {
      language: 'fr',
    });
    expect(screen.getByTestId('budget-none').textContent).toBe('Aucun budget ne s’applique à vous.');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
