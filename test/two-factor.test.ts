// TOTP two-factor through better-auth's plugin, over WeBox's HTTP routes: set-up with the password,
// confirmation with a code, sign-in asking the code (or a recovery code), throttled guesses,
// removal, and the admin setting that holds admins without it away from admin routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/server/app.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, clientWithCookie, cookieFrom, signIn, signUp } from './helpers/client.ts';
import { parseTotpUri, totpCode } from './helpers/totp.ts';

let test: TestApp;
let admin: Client;

beforeAll(async () => {
  test = await createTestApp();
  admin = await signUp(test.app);
});

afterAll(async () => {
  await test?.close();
});

/** Sets up and confirms two-factor; answers the URI, the recovery codes and the new session. */
async function enable(client: Client) {
  const started = await client.post('/api/auth/two-factor/enable', { password: client.password });
  expect(started.statusCode, started.body).toBe(200);
  const { totpURI, backupCodes } = started.json() as { totpURI: string; backupCodes: string[] };
  const confirmed = await client.post('/api/auth/two-factor/verify-totp', { code: totpCode(totpURI) });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  // The set-up replaces the session: the new cookie is the one to use.
  const session = clientWithCookie(test.app, cookieFrom(confirmed), { email: client.email, password: client.password });
  return { totpURI, backupCodes, session };
}

/** The first step of a sign-in for an account with two-factor: the challenge cookie. */
async function firstStep(app: App, client: Client) {
  const { response } = await signIn(app, client.email, client.password);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json()).toMatchObject({ twoFactorRedirect: true, twoFactorMethods: ['totp'] });
  // No session yet: only the challenge's cookie.
  const cookie = cookieFrom(response)
    .split('; ')
    .filter((pair) => pair.startsWith('webox.two_factor='))
    .join('; ');
  expect(cookie).not.toBe('');
  expect(cookieFrom(response)).not.toMatch(/webox\.session_token=[^;\s]/);
  return clientWithCookie(app, cookie, { email: client.email, password: client.password });
}

const me = async (client: Client) => (await client.get('/api/me')).json() as Record<string, unknown>;

describe('TOTP two-factor', () => {
  it('is set up with the password, shows an otpauth URI and ten recovery codes once', async () => {
    const user = await signUp(test.app);
    expect(await me(user)).toMatchObject({ twoFactorEnabled: false, twoFactorRequired: false });
    const wrongPassword = await user.post('/api/auth/two-factor/enable', { password: 'not my password' });
    expect(wrongPassword.statusCode).toBe(400);
    expect(wrongPassword.json().code).toBe('INVALID_PASSWORD');

    const started = await user.post('/api/auth/two-factor/enable', { password: user.password });
    const { totpURI, backupCodes } = started.json() as { totpURI: string; backupCodes: string[] };
    const parsed = parseTotpUri(totpURI);
    expect(parsed).toMatchObject({ digits: 6, period: 30, issuer: 'WeBox' });
    expect(parsed.label).toContain(user.email);
    expect(backupCodes).toHaveLength(10);
    // Not on until a code confirms it: a password sign-in still opens a session at once.
    expect(await me(user)).toMatchObject({ twoFactorEnabled: false });
    const wrong = await user.post('/api/auth/two-factor/verify-totp', {
      code: '000000' === totpCode(totpURI) ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CODE');
    const confirmed = await user.post('/api/auth/two-factor/verify-totp', { code: totpCode(totpURI) });
    expect(confirmed.statusCode).toBe(200);
    const session = clientWithCookie(test.app, cookieFrom(confirmed));
    expect(await me(session)).toMatchObject({ twoFactorEnabled: true });

    // The secret and the recovery codes are stored encrypted, never in clear.
    const dump = await test.dump();
    expect(dump).not.toContain(parsed.secret);
    expect(dump).not.toContain(parsed.key.toString('utf8'));
    for (const code of backupCodes) expect(dump).not.toContain(code);
    // Nor logged.
    const logs = test.logs.join('\n');
    expect(logs).not.toContain(parsed.secret);
    for (const code of backupCodes) expect(logs).not.toContain(code);
  });

  it('asks the code at sign-in, and opens the session only with the right one', async () => {
    const user = await signUp(test.app);
    const { totpURI } = await enable(user);
    const challenge = await firstStep(test.app, user);
    expect((await challenge.get('/api/me')).statusCode).toBe(401);
    const wrong = await challenge.post('/api/auth/two-factor/verify-totp', { code: '12345' });
    expect(wrong.statusCode).toBe(401);
    const right = await challenge.post('/api/auth/two-factor/verify-totp', { code: totpCode(totpURI) });
    expect(right.statusCode, right.body).toBe(200);
    const session = clientWithCookie(test.app, cookieFrom(right));
    expect(await me(session)).toMatchObject({ email: user.email, twoFactorEnabled: true });
    // The challenge is spent.
    const again = await challenge.post('/api/auth/two-factor/verify-totp', { code: totpCode(totpURI) });
    expect(again.statusCode).toBe(401);
  });

  it('takes a recovery code instead, each once', async () => {
    const user = await signUp(test.app);
    const { backupCodes } = await enable(user);
    const [code] = backupCodes as [string];
    const first = await firstStep(test.app, user);
    const used = await first.post('/api/auth/two-factor/verify-backup-code', { code });
    expect(used.statusCode, used.body).toBe(200);
    expect(await me(clientWithCookie(test.app, cookieFrom(used)))).toMatchObject({ email: user.email });

    const second = await firstStep(test.app, user);
    const reused = await second.post('/api/auth/two-factor/verify-backup-code', { code });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe('INVALID_BACKUP_CODE');
  });

  it('ends a sign-in step after five wrong codes', async () => {
    const user = await signUp(test.app);
    const { totpURI } = await enable(user);
    const challenge = await firstStep(test.app, user);
    const right = totpCode(totpURI);
    const wrongCode = right === '999999' ? '888888' : '999999';
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await challenge.post('/api/auth/two-factor/verify-totp', { code: wrongCode });
      expect(response.statusCode).toBe(401);
    }
    const sixth = await challenge.post('/api/auth/two-factor/verify-totp', { code: totpCode(totpURI) });
    expect(sixth.statusCode).toBe(400);
    expect(sixth.json().code).toBe('TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE');
    expect(cookieFrom(sixth)).not.toMatch(/webox\.session_token=[^;\s]/);
  });

  it('is turned off with the password only', async () => {
    const user = await signUp(test.app);
    const { session } = await enable(user);
    const refused = await session.post('/api/auth/two-factor/disable', { password: 'not my password' });
    expect(refused.statusCode).toBe(400);
    const off = await session.post('/api/auth/two-factor/disable', { password: user.password });
    expect(off.statusCode, off.body).toBe(200);
    const { response } = await signIn(test.app, user.email, user.password);
    expect(response.json()).not.toHaveProperty('twoFactorRedirect');
    expect(response.json()).toHaveProperty('token');
  });
});

describe('"require two-factor for all admins"', () => {
  it('holds an admin without it away from admin routes until it is set up', async () => {
    const other = await signUp(test.app);
    const otherId = (await me(other)).id as string;
    expect((await admin.patch(`/api/admin/users/${otherId}`, { role: 'admin' })).statusCode).toBe(200);

    const on = await admin.put('/api/admin/sso', { requireAdminTwoFactor: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ requireAdminTwoFactor: true });

    // The admin who turned it on has no two-factor either: held too, but may still set it up.
    for (const held of [admin, other]) {
      const refused = await held.get('/api/admin/users');
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('two_factor_required');
      expect(await me(held)).toMatchObject({ role: 'admin', twoFactorEnabled: false, twoFactorRequired: true });
    }
    // Plain users are not concerned.
    const user = await signUp(test.app);
    expect(await me(user)).toMatchObject({ twoFactorRequired: false });

    const { session, totpURI } = await enable(other);
    expect((await session.get('/api/admin/users')).statusCode).toBe(200);
    expect(await me(session)).toMatchObject({ twoFactorEnabled: true, twoFactorRequired: false });

    // At the next sign-in the code is asked, then admin routes answer.
    const challenge = await firstStep(test.app, other);
    const signedIn = await challenge.post('/api/auth/two-factor/verify-totp', { code: totpCode(totpURI) });
    expect((await clientWithCookie(test.app, cookieFrom(signedIn)).get('/api/admin/users')).statusCode).toBe(200);

    // The first admin sets it up too, then turns the rule off.
    const mine = await enable(admin);
    const off = await mine.session.put('/api/admin/sso', { requireAdminTwoFactor: false });
    expect(off.statusCode).toBe(200);
    admin = mine.session;
  });
});
