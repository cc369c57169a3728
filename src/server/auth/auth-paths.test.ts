import { describe, expect, it } from 'vitest';
import { allowedAuthPath, canonicalPath } from './auth-paths.ts';

describe('canonicalPath', () => {
  it('keeps a path already in the form the URL parser gives it, query string aside', () => {
    expect(canonicalPath('/api/auth/sign-in/email')).toBe('/api/auth/sign-in/email');
    expect(canonicalPath('/api/auth/sign-in/email?callbackURL=/')).toBe('/api/auth/sign-in/email');
    expect(canonicalPath('/api/auth/get-session?disableCookieCache=true')).toBe('/api/auth/get-session');
  });

  it.each([
    '/api/auth/./sign-in/email',
    '/api/auth/x/../sign-in/email',
    '/api/auth/%2e/sign-in/email',
    '/api/auth/%2E%2E/auth/sign-in/email',
    '/api/auth/sign-in/.%2e/sign-in/email',
    '/api/auth/sign-in%2femail',
    '/api/auth/sign-in%2Femail',
    '/api/auth/sign-in%5cemail',
    '/api/auth\\sign-in\\email',
    '/api/auth//sign-in/email',
    '/api/auth/sign-in//email',
    '/api/auth/sign-in/email/',
    '/api/auth/sign-in/email/.',
    '/api/auth/sign-in/email#fragment',
    '/api/auth/sign-in/email\t',
    '/api/auth/sign-in/\nemail',
    '/api/auth/sign-in/%65mail',
    '/api/auth/sign-in/email%00',
    '/api/auth/sign-in/e mail',
    '/api/auth/sign-in/émail',
    '//evil.example/api/auth/sign-in/email',
    'http://evil.example/api/auth/sign-in/email',
    'api/auth/sign-in/email',
    '',
  ])('refuses %j', (url) => {
    expect(canonicalPath(url)).toBeNull();
  });
});

describe('allowedAuthPath', () => {
  it('allows only the endpoints the product uses, with their method', () => {
    expect(allowedAuthPath('POST', '/api/auth/sign-in/email')).toBe('/api/auth/sign-in/email');
    expect(allowedAuthPath('POST', '/api/auth/sign-up/email')).toBe('/api/auth/sign-up/email');
    expect(allowedAuthPath('POST', '/api/auth/sign-out')).toBe('/api/auth/sign-out');
    expect(allowedAuthPath('GET', '/api/auth/get-session')).toBe('/api/auth/get-session');
    expect(allowedAuthPath('GET', '/api/auth/sign-in/email')).toBeNull();
    expect(allowedAuthPath('HEAD', '/api/auth/get-session')).toBeNull();
    expect(allowedAuthPath('POST', '/api/auth/Sign-In/email')).toBeNull();
    expect(allowedAuthPath('POST', '/api/auth/admin/impersonate-user')).toBeNull();
    expect(allowedAuthPath('POST', '/api/auth/change-password')).toBeNull();
  });
});
