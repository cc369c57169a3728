// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../session.tsx';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { SignInPage } from './auth-pages.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('SignInPage', () => {
  it('says how long to wait after too many failed attempts, from Retry-After', async () => {
    mockFetch({
      'POST /api/auth/sign-in/email': () => ({
        status: 429,
        headers: { 'retry-after': '600' },
        body: { code: 'TOO_MANY_ATTEMPTS', message: 'Too many failed sign-in attempts. Try again in 10 min.' },
      }),
    });
    renderWithApp(
      <SessionProvider initialUser={null}>
        <SignInPage />
      </SessionProvider>,
      { language: 'fr' },
    );
    await userEvent.type(screen.getByLabelText('E-mail'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Mot de passe'), 'wrong-password');
    await userEvent.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Trop de tentatives échouées. Réessayez dans 10 min.');
  });
});
