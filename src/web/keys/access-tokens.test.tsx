// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { AccessTokens } from './access-tokens.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('AccessTokens', () => {
  it('says so calmly when the server has no token API', async () => {
    mockFetch({});
    renderWithApp(<AccessTokens />);
    await screen.findByText('Access tokens are not available on this server yet.');
  });

  it('shows a new token once, then lists it by prefix', async () => {
    const tokens: unknown[] = [];
    const { calls } = mockFetch({
      'GET /api/tokens': () => ({ body: { tokens } }),
      'POST /api/tokens': (call) => {
        const created = {
          id: 't1',
          name: (call.body as { name: string }).name,
          prefix: 'wbx_abcdefgh',
          createdAt: '2026-02-01T09:00:00Z',
          expiresAt: null,
        };
        tokens.push({ ...created, lastUsedAt: null });
        return { status: 201, body: { ...created, token: 'wbx_abcdefghSECRETPART' } };
      },
    });
    renderWithApp(<AccessTokens />, { language: 'fr' });
    await screen.findByText('Aucun jeton d’accès.');
    await userEvent.type(screen.getByLabelText('Nom du jeton'), 'script');
    await userEvent.click(screen.getByRole('button', { name: 'Créer le jeton' }));
    expect(((await screen.findByLabelText('Nouveau jeton')) as HTMLInputElement).value).toBe('wbx_abcdefghSECRETPART');
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ name: 'script' });
    await screen.findByText('wbx_abcdefgh…');
  });

  it('sends an optional requests-per-minute limit and lists it', async () => {
    const tokens: unknown[] = [];
    const { calls } = mockFetch({
      'GET /api/tokens': () => ({ body: { tokens } }),
      'POST /api/tokens': (call) => {
        const body = call.body as { name: string; requestsPerMinute?: number };
        const created = {
          id: `t${tokens.length + 1}`,
          name: body.name,
          prefix: `wbx_000${tokens.length}`,
          createdAt: '2026-02-01T09:00:00Z',
          expiresAt: null,
          requestsPerMinute: body.requestsPerMinute ?? null,
        };
        tokens.push({ ...created, lastUsedAt: null });
        return { status: 201, body: { ...created, token: `${created.prefix}SECRET` } };
      },
    });
    renderWithApp(<AccessTokens />);
    await screen.findByText('No access tokens.');
    await userEvent.type(screen.getByLabelText('Token name'), 'cron');
    await userEvent.type(screen.getByLabelText('Requests per minute (optional)'), '5');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    await screen.findByText('wbx_0000…');
    await userEvent.type(screen.getByLabelText('Token name'), 'laptop');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    await screen.findByText('wbx_0001…');
    expect(calls.filter((call) => call.method === 'POST').map((call) => call.body)).toEqual([
      { name: 'cron', requestsPerMinute: 5 },
      { name: 'laptop' },
    ]);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((row) => row.querySelectorAll('td')[5]?.textContent)).toEqual(['5', 'Your limit']);
  });

  it('names what is wrong before sending, marking the field at fault', async () => {
    const { calls } = mockFetch({ 'GET /api/tokens': () => ({ body: { tokens: [] } }) });
    renderWithApp(<AccessTokens />);
    await screen.findByText('No access tokens.');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(screen.getByRole('alert').textContent).toBe('Give the token a name.');
    expect(screen.getByLabelText('Token name').getAttribute('aria-invalid')).toBe('true');

    await userEvent.type(screen.getByLabelText('Token name'), 'cron');
    await userEvent.type(screen.getByLabelText('Requests per minute (optional)'), '0');
    // The browser's own check (min 1) would stop the click: submit as a browser without it would.
    fireEvent.submit(screen.getByRole('button', { name: 'Create token' }).closest('form') as HTMLFormElement);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toMatch(/^Requests per minute must be a whole number/);
    expect(screen.getByLabelText('Token name').getAttribute('aria-invalid')).toBeNull();
    const perMinute = screen.getByLabelText('Requests per minute (optional)');
    expect(perMinute.getAttribute('aria-invalid')).toBe('true');
    // Read with the message first, then the hint under the form.
    const [first, second] = perMinute.getAttribute('aria-describedby')?.split(' ') ?? [];
    expect(first).toBe(alert.id);
    expect(document.getElementById(second ?? '')?.className).toBe('field-hint');
    expect(calls.filter((call) => call.method === 'POST')).toHaveLength(0);
  });
});
