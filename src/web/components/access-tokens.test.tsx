// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
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
});
