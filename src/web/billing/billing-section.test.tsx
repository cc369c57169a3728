// @vitest-environment jsdom
// Profile › Subscription over a fake API: the plan in words, Subscribe → Stripe Checkout's address,
// the portal (and its 409), no buttons with Stripe off, and the wait for Stripe's confirmation.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BillingView } from '../api/types.ts';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { billingOf, catalog, proPlan, teamPlan } from './billing-fixtures.ts';
import { BillingSection } from './billing-section.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const plansRoute = () => ({ body: { plans: [proPlan, teamPlan] } });

describe('BillingSection', () => {
  it('offers each plan per interval in its currency, and sends Subscribe to Stripe Checkout', async () => {
    const { calls } = mockFetch({
      'GET /api/billing': () => ({ body: billingOf() }),
      'GET /api/plans': plansRoute,
      'POST /api/billing/checkout': () => ({ body: { url: 'https://checkout.stripe.test/c/1' } }),
    });
    const redirect = vi.fn();
    renderWithApp(<BillingSection catalog={catalog} redirect={redirect} />, { language: 'fr' });
    expect(await screen.findByTestId('billing-status')).toHaveProperty('textContent', 'Pas d’abonnement');
    expect(screen.getByTestId('global-access').textContent).toContain('réservées aux abonnés');
    // No subscription yet: nothing to manage.
    expect(screen.queryByRole('button', { name: 'Gérer ou résilier mon abonnement' })).toBeNull();

    const [pro, team] = screen.getAllByTestId('plan-card');
    expect(within(pro as HTMLElement).getByText('20,00 $US par mois')).toBeTruthy();
    expect(within(pro as HTMLElement).getByText('OpenAI · GPT-4o mini')).toBeTruthy();
    expect(within(team as HTMLElement).getByText('tous les modèles')).toBeTruthy();
    expect(
      within(team as HTMLElement).getByRole('button', { name: /^S’abonner à Team, 25,00\s\$US \/ mois$/ }),
    ).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: /^S’abonner à Pro, 90,00\s€ \/ an$/ }));
    await waitFor(() => expect(redirect).toHaveBeenCalledWith('https://checkout.stripe.test/c/1'));
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ planId: 'p-pro', interval: 'year' });
  });

  it('shows a subscription that ends, marks its plan, and opens the portal instead of Subscribe', async () => {
    const billing = billingOf({
      plan: { id: 'p-pro', name: 'Pro' },
      status: 'active',
      currentPeriodEnd: '2026-04-01T00:00:00Z',
      cancelAtPeriodEnd: true,
      globalAccess: { allowed: true, reason: null },
    });
    mockFetch({
      'GET /api/billing': () => ({ body: billing }),
      'GET /api/plans': plansRoute,
      'POST /api/billing/portal': () => ({ body: { url: 'https://billing.stripe.test/p/1' } }),
    });
    const redirect = vi.fn();
    renderWithApp(<BillingSection catalog={catalog} redirect={redirect} />);
    const current = await screen.findByTestId('current-plan');
    expect(current.textContent).toContain('Ends on Apr 1, 2026');
    expect(current.textContent).toContain('$20.00 per month · OpenAI · GPT-4o mini');
    expect(screen.getByTestId('global-access').textContent).toContain('Your plan opens the shared keys');
    expect(screen.queryByRole('button', { name: /^Subscribe/ })).toBeNull();
    expect(within(screen.getAllByTestId('plan-card')[0] as HTMLElement).getByText('Your plan')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Manage or cancel my subscription' }));
    await waitFor(() => expect(redirect).toHaveBeenCalledWith('https://billing.stripe.test/p/1'));
  });

  it('says so when the portal has no customer to show', async () => {
    mockFetch({
      'GET /api/billing': () => ({ body: billingOf({ status: 'canceled' }) }),
      'GET /api/plans': plansRoute,
      'POST /api/billing/portal': () => ({ status: 409, body: { error: { code: 'no_customer', message: 'x' } } }),
    });
    const redirect = vi.fn();
    renderWithApp(<BillingSection catalog={catalog} redirect={redirect} />, { language: 'fr' });
    await userEvent.click(await screen.findByRole('button', { name: 'Gérer ou résilier mon abonnement' }));
    expect((await screen.findByRole('alert')).textContent).toContain('pas encore d’abonnement Stripe à gérer');
    expect(redirect).not.toHaveBeenCalled();
  });

  it('names Stripe when it fails to open Checkout, and stays on the page', async () => {
    mockFetch({
      'GET /api/billing': () => ({ body: billingOf() }),
      'GET /api/plans': plansRoute,
      'POST /api/billing/checkout': () => ({
        status: 502,
        body: { error: { code: 'provider_error', message: 'x', provider: 'stripe' } },
      }),
    });
    const redirect = vi.fn();
    renderWithApp(<BillingSection catalog={catalog} redirect={redirect} />);
    await userEvent.click(await screen.findByRole('button', { name: /^Subscribe to Team/ }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Stripe failed to answer/);
    expect(redirect).not.toHaveBeenCalled();
  });

  it('shows a grant and its end, and no subscribe buttons while Stripe is off', async () => {
    mockFetch({
      'GET /api/billing': () => ({
        body: billingOf({
          enabled: false,
          plan: { id: 'p-team', name: 'Team' },
          status: 'granted',
          grantedUntil: '2026-07-14T00:00:00Z',
          globalAccess: { allowed: true, reason: null },
        }),
      }),
      'GET /api/plans': plansRoute,
    });
    renderWithApp(<BillingSection catalog={catalog} />, { language: 'fr' });
    const current = await screen.findByTestId('current-plan');
    expect(current.textContent).toContain('Attribué par un administrateur');
    expect(current.textContent).toContain('Attribué jusqu’au 14 juil. 2026');
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.queryByTestId('plan-card')).toBeNull();
  });

  it('says when only the free allowance opens the shared keys', async () => {
    mockFetch({
      'GET /api/billing': () => ({ body: billingOf({ globalAccess: { allowed: true, reason: 'free_allowance' } }) }),
      'GET /api/plans': plansRoute,
    });
    renderWithApp(<BillingSection catalog={catalog} />);
    expect((await screen.findByTestId('global-access')).textContent).toContain('Open within the free allowance');
  });

  it('back from Checkout, waits for Stripe’s confirmation, then shows the new plan', async () => {
    const answers: BillingView[] = [
      billingOf(),
      billingOf(),
      billingOf({
        plan: { id: 'p-pro', name: 'Pro' },
        status: 'active',
        globalAccess: { allowed: true, reason: null },
      }),
    ];
    let reads = 0;
    const { calls } = mockFetch({
      'GET /api/billing': () => ({ body: answers[Math.min(reads++, answers.length - 1)] }),
      'GET /api/plans': plansRoute,
    });
    renderWithApp(<BillingSection catalog={catalog} pollIntervalMs={1} />, {
      path: '/profile?checkout=success',
      language: 'fr',
    });
    expect(screen.getByText(/Nous attendons la confirmation de Stripe/)).toBeTruthy();
    expect(await screen.findByText('Merci ! Votre abonnement à Pro est actif.')).toBeTruthy();
    expect(screen.queryByText(/attendons la confirmation/)).toBeNull();
    expect(screen.getByTestId('billing-status').textContent).toBe('Actif');
    // Confirmed: it stops asking.
    const count = calls.filter((call) => call.url === '/api/billing').length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.filter((call) => call.url === '/api/billing').length).toBe(count);
  });

  it('says nothing was charged when Checkout was cancelled', async () => {
    mockFetch({ 'GET /api/billing': () => ({ body: billingOf() }), 'GET /api/plans': plansRoute });
    renderWithApp(<BillingSection catalog={catalog} />, { path: '/profile?checkout=cancel', language: 'fr' });
    expect(await screen.findByText('Paiement annulé : rien n’a été débité.')).toBeTruthy();
  });
});
