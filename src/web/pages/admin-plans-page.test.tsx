// @vitest-environment jsdom
// Admin › Abonnements over a fake API: the notice while Stripe is off, plans offered and retired,
// creating one with a chosen list of models, editing one (Stripe's amounts shown, unchanged prices
// not sent again), retiring, and a plan granted by hand.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BillingSettingsView, PlanView } from '../api/types.ts';
import { billingOf, catalog, noBudget, proPlan } from '../billing/billing-fixtures.ts';
import { type FetchCall, mockFetch, renderWithApp } from '../test-utils.tsx';
import { AdminPlansPage } from './admin-plans-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const settings = (enabled: boolean): BillingSettingsView => ({
  enabled,
  policy: 'everyone',
  freeAllowance: null,
  graceDays: 3,
  usdPerCurrency: {},
});
const oldPlan: PlanView = {
  ...proPlan,
  id: 'p-old',
  name: 'Ancienne',
  active: false,
  prices: { month: null, year: null },
};
const users = [
  {
    id: 'u2',
    name: 'Bob',
    email: 'bob@example.com',
    role: 'user',
    disabled: false,
    createdAt: '2026-01-02T00:00:00Z',
    personalKeys: [],
  },
];

function routes(
  enabled: boolean,
  extra: Record<string, (call: FetchCall) => { status?: number; body?: unknown }> = {},
) {
  return mockFetch({
    'GET /api/admin/plans': () => ({ body: { plans: [proPlan, oldPlan] } }),
    'GET /api/admin/billing': () => ({ body: settings(enabled) }),
    'GET /api/admin/users': () => ({ body: { users } }),
    'GET /api/providers': () => ({ body: { providers: catalog.providers } }),
    'GET /api/keys': () => ({ body: { providers: catalog.keys } }),
    ...extra,
  });
}

describe('AdminPlansPage', () => {
  it('says how to turn Stripe on, lists every plan, and creates one with a chosen list of models', async () => {
    const { calls } = routes(false, {
      'POST /api/admin/plans': (call) => ({ status: 201, body: { ...proPlan, id: 'p-new', ...(call.body as object) } }),
    });
    renderWithApp(<AdminPlansPage />, { language: 'fr' });
    const notice = await screen.findByTestId('stripe-off');
    expect(notice.textContent).toContain('STRIPE_SECRET_KEY');
    expect(notice.textContent).toContain('STRIPE_WEBHOOK_SECRET');
    expect(notice.textContent).toContain('/api/billing/webhook');
    expect(notice.textContent).toContain('identifiants de prix Stripe sont refusés');

    const rows = await screen.findAllByTestId('plan-row');
    expect(rows.map((row) => within(row).getAllByRole('cell')[1]?.textContent)).toEqual(['Proposée', 'Retirée']);
    expect(rows[0]?.textContent).toMatch(/9,00\s€ \/ mois/);

    const form = within(screen.getByTestId('plan-create'));
    // Stripe off: no price can be typed.
    expect((form.getByLabelText('Identifiant du prix Stripe, mensuel') as HTMLInputElement).disabled).toBe(true);
    await userEvent.type(form.getByLabelText('Nom'), 'École');
    await userEvent.type(form.getByLabelText('Par mois ($)'), '5');
    await userEvent.click(form.getByLabelText('Seulement ces modèles :'));
    await userEvent.click(form.getByRole('button', { name: 'Créer la formule' }));
    expect(form.getByRole('alert').textContent).toBe('Choisissez au moins un modèle, ou « Tous les modèles ».');
    await userEvent.click(form.getByLabelText('OpenAI · GPT-4o'));
    await userEvent.click(form.getByRole('button', { name: 'Créer la formule' }));

    expect(await screen.findByText('Formule École créée.')).toBeTruthy();
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({
      name: 'École',
      description: '',
      prices: { month: null, year: null },
      budgets: { ...noBudget, monthMicrousd: 5_000_000 },
      models: ['openai/gpt-4o'],
    });
    expect(screen.getAllByTestId('plan-row')).toHaveLength(3);
  });

  it('edits a plan, showing the amounts Stripe gave, and sends no unchanged price', async () => {
    const { calls } = routes(true, {
      'PATCH /api/admin/plans/p-pro': (call) => ({ body: { ...proPlan, ...(call.body as object) } }),
    });
    renderWithApp(<AdminPlansPage />, { language: 'fr' });
    await userEvent.click(await screen.findByRole('button', { name: 'Modifier la formule Pro' }));
    const form = within(screen.getByTestId('plan-edit'));
    expect(form.getByText(/Lu chez Stripe : 90,00\s€ \/ an/)).toBeTruthy();
    expect((form.getByLabelText('OpenAI · GPT-4o mini') as HTMLInputElement).checked).toBe(true);
    await userEvent.clear(form.getByLabelText('Nom'));
    await userEvent.type(form.getByLabelText('Nom'), 'Pro+');
    await userEvent.click(form.getByRole('button', { name: 'Enregistrer la formule' }));
    expect(await screen.findByText('Formule Pro+ enregistrée.')).toBeTruthy();
    const patch = calls.find((call) => call.method === 'PATCH')?.body as Record<string, unknown>;
    expect(patch.name).toBe('Pro+');
    expect('prices' in patch).toBe(false);
    expect(screen.queryByTestId('stripe-off')).toBeNull();
  });

  it('retires a plan and offers a retired one again', async () => {
    const { calls } = routes(true, {
      'PATCH /api/admin/plans/p-pro': (call) => ({ body: { ...proPlan, ...(call.body as object) } }),
    });
    renderWithApp(<AdminPlansPage />, { language: 'fr' });
    await userEvent.click(await screen.findByRole('button', { name: 'Retirer la formule Pro' }));
    expect(await screen.findByText(/Formule Pro retirée : ses abonnés la gardent/)).toBeTruthy();
    expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({ active: false });
    expect(screen.getByRole('button', { name: 'Proposer à nouveau la formule Pro' })).toBeTruthy();
  });

  it('grants a plan by hand until a day, included', async () => {
    const { calls } = routes(true, {
      'PUT /api/admin/users/u2/plan': () => ({
        body: billingOf({
          plan: { id: 'p-pro', name: 'Pro' },
          status: 'granted',
          grantedUntil: '2026-07-14T21:59:59.000Z',
          globalAccess: { allowed: true, reason: null },
        }),
      }),
    });
    renderWithApp(<AdminPlansPage />, { language: 'fr' });
    const grant = within(await screen.findByTestId('grant-plan'));
    await userEvent.click(grant.getByRole('button', { name: 'Attribuer la formule' }));
    expect(grant.getByRole('alert').textContent).toBe('Choisissez un utilisateur et une formule.');
    await userEvent.selectOptions(grant.getByLabelText('Utilisateur'), 'u2');
    // A retired plan cannot be granted.
    expect(within(grant.getByLabelText('Formule')).queryByRole('option', { name: 'Ancienne' })).toBeNull();
    await userEvent.selectOptions(grant.getByLabelText('Formule'), 'p-pro');
    await userEvent.type(grant.getByLabelText('Jusqu’au (facultatif)'), '2026-07-14');
    await userEvent.click(grant.getByRole('button', { name: 'Attribuer la formule' }));
    await waitFor(() =>
      expect(grant.getByRole('status').textContent).toContain('C’est fait pour Bob : Pro · Attribué'),
    );
    const body = calls.find((call) => call.method === 'PUT')?.body as { planId: string; until: string };
    expect(body.planId).toBe('p-pro');
    expect(new Date(body.until).getTime()).toBe(new Date('2026-07-14T23:59:59').getTime());
  });
});
