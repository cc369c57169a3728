// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../session.tsx';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { SignInPage, SignUpPage } from './auth-pages.tsx';

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

describe('SignUpPage', () => {
  it('reads the password rule with the field, and names the account after the e-mail when no name is given', async () => {
    const { calls } = mockFetch({
      'POST /api/auth/sign-up/email': () => ({ body: {} }),
      'GET /api/me': () => ({
        body: {
          id: 'u1',
          email: 'ada@example.com',
          name: 'ada',
          role: 'admin',
          twoFactorEnabled: false,
          twoFactorRequired: false,
        },
      }),
    });
    renderWithApp(
      <SessionProvider initialUser={null}>
        <SignUpPage />
      </SessionProvider>,
    );
    const password = screen.getByLabelText('Password');
    const hint = document.getElementById(password.getAttribute('aria-describedby') ?? '');
    expect(hint?.className).toBe('field-hint');
    expect(hint?.textContent?.trim()).not.toBe('');
    await userEvent.type(screen.getByLabelText('Email'), ' ada@example.com ');
    await userEvent.type(password, 'correct horse battery staple');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await vi.waitFor(() => expect(calls.some((call) => call.url === '/api/me')).toBe(true));
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({
      name: 'ada',
      email: 'ada@example.com',
      password: 'correct horse battery staple',
    });
  });
});
