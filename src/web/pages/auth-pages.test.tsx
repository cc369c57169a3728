// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
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

describe('SignInPage with single sign-on', () => {
  it('offers the button under the provider’s name, and says why a sign-in came back refused', async () => {
    const { calls } = mockFetch({
      'GET /api/sso': () => ({ body: { enabled: true, providerId: 'oidc', name: 'ENT du lycée', ssoOnly: true } }),
      'POST /api/auth/sign-in/social': () => ({ status: 429, body: { message: 'Too many requests.' } }),
    });
    renderWithApp(
      <SessionProvider initialUser={null}>
        <SignInPage />
      </SessionProvider>,
      { language: 'fr', path: '/sign-in?error=SSO_EMAIL_UNVERIFIED' },
    );
    const button = await screen.findByRole('button', { name: 'Se connecter avec ENT du lycée' });
    expect(screen.getByRole('alert').textContent).toContain("n'indique pas que votre adresse e-mail est vérifiée");
    expect(screen.getByText('La connexion par mot de passe est réservée au premier administrateur.')).toBeTruthy();
    await userEvent.click(button);
    await vi.waitFor(() =>
      expect(calls.find((call) => call.url === '/api/auth/sign-in/social')?.body).toEqual({
        provider: 'oidc',
        callbackURL: '/',
        errorCallbackURL: '/sign-in',
      }),
    );
  });

  it('asks the second factor when the password sign-in says so, then sends the code', async () => {
    const { calls } = mockFetch({
      'POST /api/auth/sign-in/email': () => ({ body: { twoFactorRedirect: true, twoFactorMethods: ['totp'] } }),
      'POST /api/auth/two-factor/verify-totp': () => ({
        status: 401,
        body: { code: 'INVALID_CODE', message: 'Invalid code' },
      }),
    });
    renderWithApp(
      <SessionProvider initialUser={null}>
        <SignInPage />
      </SessionProvider>,
    );
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse battery staple');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'Two-factor authentication' });
    await userEvent.type(screen.getByLabelText('Code'), '123 456');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong code. Type the code your app shows now.');
    expect(calls.find((call) => call.url === '/api/auth/two-factor/verify-totp')?.body).toEqual({ code: '123456' });
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

describe('a page opened at another address than WEBOX_PUBLIC_URL', () => {
  it('says which address to open before submitting, and again in words when better-auth refuses', async () => {
    mockFetch({
      'GET /api/info': () => ({ body: { name: 'WeBox', version: '1', publicOrigin: 'http://webox.example:3000' } }),
      'POST /api/auth/sign-in/email': () => ({
        status: 403,
        body: { code: 'INVALID_ORIGIN', message: 'Invalid origin' },
      }),
    });
    renderWithApp(
      <SessionProvider initialUser={null}>
        <SignInPage />
      </SessionProvider>,
      { language: 'fr' },
    );
    const notice = await screen.findByTestId('origin-notice');
    expect(notice.textContent).toContain(`Vous avez ouvert WeBox à ${window.location.origin}`);
    expect(notice.textContent).toContain('WEBOX_PUBLIC_URL');
    expect(notice.querySelector('a')?.getAttribute('href')).toMatch(/^http:\/\/webox\.example:3000\//);

    await userEvent.type(screen.getByLabelText('E-mail'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Mot de passe'), 'a-password');
    await userEvent.click(screen.getByRole('button', { name: 'Se connecter' }));
    const refused = await screen.findByRole('alert');
    expect(refused.textContent).toContain('Connexion refusée');
    expect(refused.textContent).toContain('http://webox.example:3000');
    expect(refused.textContent).toContain('WEBOX_PUBLIC_URL');
  });

  it('says nothing when the address is the configured one', async () => {
    const { calls } = mockFetch({
      'GET /api/info': () => ({ body: { name: 'WeBox', version: '1', publicOrigin: window.location.origin } }),
    });
    renderWithApp(
      <SessionProvider initialUser={null}>
        <SignUpPage />
      </SessionProvider>,
    );
    await waitFor(() => expect(calls.some((call) => call.url === '/api/info')).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId('origin-notice')).toBeNull();
  });
});
