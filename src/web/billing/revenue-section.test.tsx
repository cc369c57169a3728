// @vitest-environment jsdom
// The money view over a fake API: revenue and MRR in their currencies, the margin at the admin's
// rate (and saying so), "no rate set" when one is missing, subscribers per plan, payments in trouble.
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RevenueView } from '../api/types.ts';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { RevenueSection } from './revenue-section.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const report: RevenueView = {
  from: '2026-03-01',
  to: '2026-03-31',
  totals: [{ currency: 'eur', amount: 1800 }],
  mrr: [{ currency: 'eur', amount: 1650 }],
  subscribersByPlan: [{ planId: 'p-pro', name: 'Pro', count: 2 }],
  users: [
    {
      userId: 'u1',
      plan: { id: 'p-pro', name: 'Pro' },
      status: 'active',
      cancelAtPeriodEnd: true,
      revenue: [{ currency: 'eur', amount: 900 }],
      globalCostMicrousd: 2_000_000,
    },
    {
      userId: 'u2',
      plan: { id: 'p-pro', name: 'Pro' },
      status: 'past_due',
      cancelAtPeriodEnd: false,
      revenue: [{ currency: 'eur', amount: 900 }],
      globalCostMicrousd: 12_000_000,
    },
  ],
};
const users = [
  {
    id: 'u1',
    name: 'Ada',
    email: 'a@x',
    role: 'user',
    disabled: false,
    createdAt: '2026-01-01T00:00:00Z',
    personalKeys: [],
  },
  {
    id: 'u2',
    name: 'Bob',
    email: 'b@x',
    role: 'user',
    disabled: false,
    createdAt: '2026-01-01T00:00:00Z',
    personalKeys: [],
  },
];
const settings = (usdPerCurrency: Record<string, number>) => ({
  enabled: true,
  policy: 'subscribers',
  freeAllowance: null,
  graceDays: 3,
  usdPerCurrency,
});
const range = { from: '2026-03-01', to: '2026-03-31' };

function serve(usdPerCurrency: Record<string, number>) {
  return mockFetch({
    'GET /api/admin/billing/revenue': () => ({ body: report }),
    'GET /api/admin/billing': () => ({ body: settings(usdPerCurrency) }),
    'GET /api/admin/users': () => ({ body: { users } }),
  });
}

const spaces = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

describe('RevenueSection', () => {
  it('shows revenue per currency and the margin at the admin’s rate, per user and in total', async () => {
    const { calls } = serve({ eur: 1.1 });
    renderWithApp(<RevenueSection range={range} />, { language: 'fr' });
    expect(spaces((await screen.findByTestId('money-revenue')).textContent)).toContain('18,00 €');
    expect(spaces(screen.getByTestId('money-mrr').textContent)).toContain('16,50 €');
    // 18 € × 1.1 − (2 $ + 12 $) = 5.80 $
    expect(spaces(screen.getByTestId('money-margin').textContent)).toContain('5,80 $US');
    expect(spaces(screen.getByTestId('money-rates').textContent)).toContain('aux taux que vous avez fixés');
    expect(spaces(screen.getByTestId('money-rates').textContent)).toContain('1 EUR = 1,1 $');
    expect(screen.getByTestId('money-counts').textContent).toBe(
      'En retard de paiement : 1 · Impayés : 0 · Résiliation en fin de période : 1 · Résiliés : 0',
    );
    const [ada, bob] = screen.getAllByTestId('revenue-user');
    expect(within(ada as HTMLElement).getByText('Ada')).toBeTruthy();
    expect(spaces(screen.getByTestId('margin-u1').textContent)).toBe('7,90 $US');
    expect(spaces(screen.getByTestId('margin-u2').textContent)).toBe('−2,10 $US');
    expect(within(bob as HTMLElement).getByText('Paiement en retard')).toBeTruthy();
    expect(screen.getByRole('cell', { name: '2' })).toBeTruthy();
    expect(calls[0]?.url).toBe('/api/admin/billing/revenue?from=2026-03-01&to=2026-03-31');
  });

  it('says no rate is set rather than guessing a margin', async () => {
    serve({});
    renderWithApp(<RevenueSection range={range} />);
    expect((await screen.findByTestId('money-margin')).textContent).toContain('no rate set for EUR');
    expect(screen.getByTestId('margin-u1').textContent).toBe('no rate set for EUR');
  });
});
