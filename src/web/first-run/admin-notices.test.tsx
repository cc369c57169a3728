// @vitest-environment jsdom
// The banner while anyone can spend the keys (and its way out), and the first-run checklist: each
// step's state, its link, skipping, the time zone proposed from the browser, putting it away.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FirstRunStepId, FirstRunView } from '../api/types.ts';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { AdminNotices, browserTimeZone } from './admin-notices.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ids: FirstRunStepId[] = ['keys', 'models', 'budget', 'signup', 'invite', 'timeZone'];

function server(initial: { done?: FirstRunStepId[]; openToAnyone?: boolean } = {}) {
  const state = {
    done: new Set(initial.done ?? []),
    skipped: [] as FirstRunStepId[],
    dismissed: false,
    signup: 'open' as 'open' | 'closed',
    openToAnyone: initial.openToAnyone ?? true,
  };
  const view = (): FirstRunView => ({
    steps: ids.map((id) => ({
      id,
      done: state.done.has(id),
      skipped: !state.done.has(id) && state.skipped.includes(id),
    })),
    dismissed: state.dismissed,
    openToAnyone: state.openToAnyone && state.signup === 'open',
  });
  const fetch = mockFetch({
    'GET /api/admin/first-run': () => ({ body: view() }),
    'PUT /api/admin/first-run': (call) => {
      const body = call.body as { dismissed?: boolean; skipped?: FirstRunStepId[] };
      if (body.dismissed !== undefined) state.dismissed = body.dismissed;
      if (body.skipped) state.skipped = body.skipped;
      return { body: view() };
    },
    'PUT /api/admin/account-settings': (call) => {
      state.signup = (call.body as { signup: 'open' | 'closed' }).signup;
      if (state.signup === 'closed') state.done.add('signup');
      return { body: { signup: state.signup, signupsPerAddressPerMinute: 10, emailEnabled: false } };
    },
    'PUT /api/admin/settings/display': (call) => {
      state.done.add('timeZone');
      return {
        body: {
          currency: 'EUR',
          rate: 1,
          timeZone: (call.body as { timeZone: string }).timeZone,
          timeZoneChosen: true,
        },
      };
    },
  });
  return { ...fetch, state };
}

describe('the open-to-anyone banner', () => {
  it('says so in French with its two ways out, and goes once sign-up is closed', async () => {
    const { calls } = server();
    renderWithApp(<AdminNotices />, { language: 'fr', path: '/admin/users' });
    const banner = await screen.findByTestId('open-to-anyone-banner');
    expect(banner.textContent).toContain('Quiconque atteint cette adresse peut créer un compte et dépenser vos clés');
    expect(within(banner).getByRole('link', { name: 'Fixer un budget par défaut' }).getAttribute('href')).toBe(
      '/admin/users#default-budgets',
    );
    await userEvent.click(within(banner).getByRole('button', { name: 'Fermer les inscriptions' }));
    await waitFor(() => expect(screen.queryByTestId('open-to-anyone-banner')).toBeNull());
    expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ signup: 'closed' });
    expect(screen.getByTestId('first-run-signup').textContent).toContain('Fait');
  });

  it('is not there when a budget applies', async () => {
    server({ openToAnyone: false });
    renderWithApp(<AdminNotices />, { path: '/admin/users' });
    await screen.findByTestId('first-run');
    expect(screen.queryByTestId('open-to-anyone-banner')).toBeNull();
  });
});

describe('the first-run checklist', () => {
  it('says what each step is, links to where it is done, skips, and is put away', async () => {
    const { calls } = server({ done: ['keys'] });
    renderWithApp(<AdminNotices />, { path: '/admin/models' });
    const list = await screen.findByTestId('first-run');
    expect(within(list).getByRole('heading', { name: 'Getting started' })).toBeTruthy();
    expect(list.textContent).toContain('1 of 6 steps settled.');
    const keys = within(screen.getByTestId('first-run-keys'));
    expect(keys.getByText('Done')).toBeTruthy();
    expect(keys.queryByRole('link')).toBeNull();
    const models = within(screen.getByTestId('first-run-models'));
    expect(models.getByRole('link', { name: 'Open the models' }).getAttribute('href')).toBe('/admin/models');
    expect(
      within(screen.getByTestId('first-run-signup'))
        .getByRole('link', { name: 'Open sign-up settings' })
        .getAttribute('href'),
    ).toBe('/admin/invitations#signup');

    await userEvent.click(models.getByRole('button', { name: 'Offer every model' }));
    await waitFor(() => expect(screen.getByTestId('first-run-models').textContent).toContain('Skipped'));
    expect(calls.filter((call) => call.method === 'PUT').at(-1)?.body).toEqual({ skipped: ['models'] });
    expect(screen.getByTestId('first-run').textContent).toContain('2 of 6 steps settled.');

    await userEvent.click(screen.getByRole('button', { name: 'Take up again: Choose the models offered' }));
    await waitFor(() => expect(screen.getByTestId('first-run-models').textContent).toContain('To do'));

    await userEvent.click(screen.getByRole('button', { name: 'Hide getting started' }));
    await waitFor(() => expect(screen.queryByTestId('first-run')).toBeNull());
    expect(calls.filter((call) => call.method === 'PUT').at(-1)?.body).toEqual({ dismissed: true });
  });

  it("proposes this browser's time zone and saves it in one click", async () => {
    const { calls } = server();
    renderWithApp(<AdminNotices />, { language: 'fr', path: '/admin/users' });
    const zone = browserTimeZone();
    const step = within(await screen.findByTestId('first-run-timeZone'));
    await userEvent.click(step.getByRole('button', { name: `Utiliser ${zone} (celui de ce navigateur)` }));
    await waitFor(() => expect(screen.getByTestId('first-run-timeZone').textContent).toContain('Fait'));
    expect(calls.find((call) => call.url === '/api/admin/settings/display')?.body).toEqual({ timeZone: zone });
  });
});
