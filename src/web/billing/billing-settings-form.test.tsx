// @vitest-environment jsdom
// The billing settings: the policy, a free allowance, grace days and the exchange rates, sent as
// one PUT; a plan currency without a rate shows as a row to fill; a bad rate is pointed at.
import { cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BillingSettingsView } from '../api/types.ts';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { noBudget } from './billing-fixtures.ts';
import { BillingSettingsForm } from './billing-settings-form.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const settings: BillingSettingsView = {
  enabled: true,
  policy: 'everyone',
  freeAllowance: null,
  graceDays: 3,
  usdPerCurrency: {},
};

describe('BillingSettingsForm', () => {
  it('saves the policy, the free allowance, the grace days and a rate for a plan’s currency', async () => {
    const { calls } = mockFetch({
      'PUT /api/admin/billing': (call) => ({ body: { ...settings, ...(call.body as object) } }),
    });
    const onSaved = vi.fn();
    renderWithApp(<BillingSettingsForm settings={settings} planCurrencies={['eur']} onSaved={onSaved} />, {
      language: 'fr',
    });
    await userEvent.click(screen.getByLabelText(/^Les abonnés seulement/));
    const allowance = within(screen.getByRole('group', { name: 'Essai gratuit pour les utilisateurs sans formule' }));
    await userEvent.type(allowance.getByLabelText('Par mois ($)'), '0,50');
    const grace = screen.getByLabelText('Jours de grâce après un paiement refusé');
    await userEvent.clear(grace);
    await userEvent.type(grace, '5');
    const [eur] = screen.getAllByTestId('rate-row');
    expect((within(eur as HTMLElement).getByLabelText('Devise') as HTMLInputElement).value).toBe('EUR');
    await userEvent.type(within(eur as HTMLElement).getByLabelText('$ pour 1 EUR'), '1,08');
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer les réglages de facturation' }));

    expect(await screen.findByText('Réglages de facturation enregistrés.')).toBeTruthy();
    expect(calls[0]?.body).toEqual({
      policy: 'subscribers',
      freeAllowance: { ...noBudget, monthMicrousd: 500_000 },
      graceDays: 5,
      usdPerCurrency: { eur: 1.08 },
    });
    expect(onSaved).toHaveBeenCalledOnce();
  });

  it('points at a rate that is not one, and sends nothing', async () => {
    const { calls } = mockFetch({});
    renderWithApp(<BillingSettingsForm settings={settings} planCurrencies={[]} onSaved={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Add a currency' }));
    await userEvent.type(screen.getByLabelText('Currency'), 'GBP');
    const rate = screen.getByLabelText('$ for 1 GBP');
    await userEvent.type(rate, 'abc');
    await userEvent.click(screen.getByRole('button', { name: 'Save the billing settings' }));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('three-letter currency code');
    expect(rate.getAttribute('aria-invalid')).toBe('true');
    expect(calls).toHaveLength(0);
  });
});
