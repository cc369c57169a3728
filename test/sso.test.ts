// Single sign-on against a real OpenID Connect provider (oidc-provider, test/helpers/oidc.ts): the
// whole code flow through WeBox's HTTP routes, linking by verified e-mail only, sign-up rules,
// "SSO only", the admin's settings (secret write-only, encrypted, never logged) and their reach
// to the instance that serves sign-ins.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import * as schema from '../src/server/db/schema/auth.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, clientWithCookie, cookieFrom, signIn, signUp, uniqueEmail } from './helpers/client.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { type OidcAccount, startOidcProvider, type TestOidcProvider } from './helpers/oidc.ts';

const PUBLIC_URL = 'http://localhost:3000';
const CALLBACK = `${PUBLIC_URL}/api/auth/callback/oidc`;

let provider: TestOidcProvider;

beforeAll(async () => {
  provider = await startOidcProvider({ redirectUris: [CALLBACK] });
});

afterAll(async () => {
  await provider?.close();
});

let subCounter = 0;
function account(overrides: Partial<OidcAccount> = {}): OidcAccount {
  subCounter++;
  return {
    sub: `sub-${subCounter}`,
    email: uniqueEmail('sso'),
    emailVerified: true,
    name: 'Camille Martin',
    ...overrides,
  };
}

let addressCounter = 0;

/** The browser's whole code flow: WeBox's start, the provider's login, WeBox's callback. */
async function ssoSignIn(app: App, who: OidcAccount) {
  provider.next = who;
  // One browser, one address (sign-ins are limited per address).
  addressCounter++;
  const remoteAddress = `10.200.${addressCounter >> 8}.${addressCounter & 255}`;
  const start = await app.inject({
    remoteAddress,
    method: 'POST',
    url: '/api/auth/sign-in/social',
    headers: { origin: PUBLIC_URL },
    payload: { provider: 'oidc', callbackURL: '/', errorCallbackURL: '/sign-in' },
  });
  expect(start.statusCode, start.body).toBe(200);
  const { url } = start.json() as { url: string };
  expect(url.startsWith(`${provider.issuer}/`)).toBe(true);
  const authorization = new URL(url);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorization.searchParams.get('nonce')).toBeTruthy();
  const callback = await provider.authorize(url);
  expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
  const back = await app.inject({
    remoteAddress,
    method: 'GET',
    url: `${callback.pathname}${callback.search}`,
    headers: { cookie: cookieFrom(start) },
  });
  expect(back.statusCode, back.body).toBe(302);
  const location = new URL(String(back.headers.location), PUBLIC_URL);
  const session = cookieFrom(back)
    .split('; ')
    .filter((cookie) => cookie.startsWith('webox.session_token=') && cookie.length > 'webox.session_token='.length)
    .join('; ');
  return { location, client: session ? clientWithCookie(app, session) : null };
}

/** The providers of a user's accounts (better-auth's account rows). */
async function identitiesOf(test: TestApp, userId: string) {
  const rows = await test.app.database.db
    .select({ providerId: schema.account.providerId })
    .from(schema.account)
    .where(eq(schema.account.userId, userId));
  return rows.map((row) => row.providerId).sort();
}

async function me(client: Client) {
  const response = await client.get('/api/me');
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { id: string; email: string; name: string; role: string };
}

const oidcEnv = () => ({
  WEBOX_PUBLIC_URL: PUBLIC_URL,
  WEBOX_OIDC_ISSUER: provider.issuer,
  WEBOX_OIDC_CLIENT_ID: provider.clientId,
  WEBOX_OIDC_CLIENT_SECRET: provider.clientSecret,
  WEBOX_OIDC_NAME: 'ENT du lycée',
});

describe('single sign-on from the environment', () => {
  let test: TestApp;
  let admin: Client;

  beforeAll(async () => {
    test = await createTestApp(oidcEnv());
    admin = await signUp(test.app);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('tells the sign-in page, and the admin that the environment wins', async () => {
    const publicView = await anonymous(test.app).get('/api/sso');
    expect(publicView.json()).toEqual({ enabled: true, providerId: 'oidc', name: 'ENT du lycée', ssoOnly: false });
    const settings = await admin.get('/api/admin/sso');
    expect(settings.statusCode).toBe(200);
    expect(settings.json()).toMatchObject({
      source: 'environment',
      configured: true,
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecretSet: true,
      clientSecretMask: '••••••••',
      callbackUrl: CALLBACK,
    });
    expect(settings.body).not.toContain(provider.clientSecret);
  });

  it('makes an account at the first sign-in, and signs the same identity into it again', async () => {
    const who = account();
    const first = await ssoSignIn(test.app, who);
    expect(first.location.pathname).toBe('/');
    expect(first.client).not.toBeNull();
    const created = await me(first.client as Client);
    expect(created).toMatchObject({ email: who.email, name: 'Camille Martin', role: 'user' });

    const again = await ssoSignIn(test.app, who);
    expect((await me(again.client as Client)).id).toBe(created.id);
    // The audit trail: the account made by its first sign-in, then two sign-ins by single sign-on.
    const audited = (
      (await test.app.database.db.execute(
        sql`select action, actor_id, details from audit_event where subject_user_id = ${created.id} order by at`,
      )) as unknown as { rows: Array<{ action: string; actor_id: string; details: Record<string, unknown> }> }
    ).rows;
    expect(audited.map((row) => [row.action, row.details.via ?? row.details.method])).toEqual([
      ['account.created', 'sso'],
      ['signin.succeeded', 'sso'],
      ['signin.succeeded', 'sso'],
    ]);
    expect(new Set(audited.map((row) => row.actor_id))).toEqual(new Set([created.id]));
  });

  it('links an existing account when the provider says the e-mail is verified', async () => {
    const existing = await signUp(test.app);
    const mine = await me(existing);
    const { client } = await ssoSignIn(test.app, account({ email: existing.email, emailVerified: true }));
    expect(client).not.toBeNull();
    expect((await me(client as Client)).id).toBe(mine.id);
    expect(await identitiesOf(test, mine.id)).toEqual(['credential', 'oidc']);
  });

  it('never lets an unverified e-mail take over an existing account', async () => {
    const victim = await signUp(test.app);
    const mine = await me(victim);
    const attempt = await ssoSignIn(test.app, account({ email: victim.email, emailVerified: false }));
    expect(attempt.client).toBeNull();
    expect(attempt.location.pathname).toBe('/sign-in');
    expect(attempt.location.searchParams.get('error')).toBeTruthy();
    // No identity was attached to the victim's account: the same e-mail verified later is a
    // different question, but this identity owns nothing.
    expect(await identitiesOf(test, mine.id)).toEqual(['credential']);
    // The victim's password still signs in, to the same account.
    const { response } = await signIn(test.app, victim.email, victim.password);
    expect(response.statusCode).toBe(200);
  });

  it('makes no account for an unverified e-mail', async () => {
    const who = account({ emailVerified: false });
    const attempt = await ssoSignIn(test.app, who);
    expect(attempt.client).toBeNull();
    expect(attempt.location.searchParams.get('error')).toBe('SSO_EMAIL_UNVERIFIED');
    expect(await test.dump()).not.toContain(who.email);
  });

  it('keeps the client secret out of answers, logs and the database', async () => {
    await ssoSignIn(test.app, account());
    expect(test.logs.join('\n')).not.toContain(provider.clientSecret);
    expect(await test.dump()).not.toContain(provider.clientSecret);
  });

  it('counts sign-in attempts by password and by single sign-on against one limit per address', async () => {
    const remoteAddress = '10.250.0.1';
    const attempt = (url: string, payload: Record<string, unknown>, from = remoteAddress) =>
      test.app.inject({ remoteAddress: from, method: 'POST', url, headers: { origin: PUBLIC_URL }, payload });
    const byPassword = (from?: string) =>
      attempt('/api/auth/sign-in/email', { email: uniqueEmail(), password: 'not the password' }, from);
    const bySso = (from?: string) => attempt('/api/auth/sign-in/social', { provider: 'oidc', callbackURL: '/' }, from);
    // Ten a minute per address (AUTH_ATTEMPTS_PER_MINUTE), half each way.
    for (let index = 0; index < 5; index++) {
      expect((await byPassword()).statusCode).toBe(401);
      expect((await bySso()).statusCode).toBe(200);
    }
    const refusedSso = await bySso();
    expect(refusedSso.statusCode, refusedSso.body).toBe(429);
    expect(Number(refusedSso.headers['x-retry-after'])).toBeGreaterThan(0);
    expect((await byPassword()).statusCode).toBe(429);
    // Another address is not held up.
    expect((await bySso('10.250.0.2')).statusCode).toBe(200);
    expect((await byPassword('10.250.0.2')).statusCode).toBe(401);
  });

  it('refuses a PUT of OIDC fields that would leave them half set', async () => {
    const response = await admin.put('/api/admin/sso', { issuer: 'https://idp.example.com' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    const plain = await signUp(test.app);
    expect((await plain.get('/api/admin/sso')).statusCode).toBe(403);
    expect((await anonymous(test.app).get('/api/admin/sso')).statusCode).toBe(401);
  });
});

describe('single sign-on from the admin settings', () => {
  let test: TestApp;
  let admin: Client;

  beforeAll(async () => {
    test = await createTestApp({ WEBOX_PUBLIC_URL: PUBLIC_URL });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('is off, and its endpoints answer 404, until it is configured', async () => {
    expect((await anonymous(test.app).get('/api/sso')).json()).toMatchObject({ enabled: false, name: null });
    const start = await anonymous(test.app).post('/api/auth/sign-in/social', { provider: 'oidc', callbackURL: '/' });
    expect(start.statusCode).toBe(404);
    expect((await anonymous(test.app).get('/api/auth/callback/oidc?code=x&state=y')).statusCode).toBe(404);
  });

  it('never makes the first account', async () => {
    admin = await signUp(test.app);
    // Configure, then remove the only account's turn: a fresh app with no account.
    const fresh = await createTestApp(oidcEnv());
    try {
      const attempt = await ssoSignIn(fresh.app, account());
      expect(attempt.client).toBeNull();
      expect(attempt.location.searchParams.get('error')).toBe('SSO_FIRST_ACCOUNT');
    } finally {
      await fresh.close();
    }
  });

  it('stores the secret encrypted, answers a mask only, and signs in with it at once', async () => {
    const put = await admin.put('/api/admin/sso', {
      issuer: `${provider.issuer}/`,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      name: 'Keycloak',
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      source: 'settings',
      configured: true,
      issuer: provider.issuer,
      clientSecretSet: true,
      clientSecretMask: '••••••••',
      name: 'Keycloak',
    });
    expect(put.body).not.toContain(provider.clientSecret);
    const dump = await test.dump();
    expect(dump).not.toContain(provider.clientSecret);
    expect(dump).toContain('wbx1:');
    expect(test.logs.join('\n')).not.toContain(provider.clientSecret);
    expect((await anonymous(test.app).get('/api/sso')).json()).toMatchObject({ enabled: true, name: 'Keycloak' });

    const { client } = await ssoSignIn(test.app, account());
    expect(client).not.toBeNull();
  });

  it('keeps the stored secret when a PUT leaves it out, and stops when it is removed', async () => {
    const rename = await admin.put('/api/admin/sso', { name: 'ENT' });
    expect(rename.json()).toMatchObject({ configured: true, clientSecretSet: true, name: 'ENT' });
    const wrong = await admin.put('/api/admin/sso', { clientSecret: 'not-the-secret' });
    expect(wrong.statusCode).toBe(200);
    // The new (wrong) secret is in force: the provider refuses the code exchange.
    const refused = await ssoSignIn(test.app, account());
    expect(refused.client).toBeNull();
    await admin.put('/api/admin/sso', { clientSecret: provider.clientSecret });
    expect((await ssoSignIn(test.app, account())).client).not.toBeNull();

    const off = await admin.put('/api/admin/sso', { issuer: null, clientId: null, clientSecret: null });
    expect(off.json()).toMatchObject({ configured: false, clientSecretSet: false, clientSecretMask: null });
    expect(
      (await anonymous(test.app).post('/api/auth/sign-in/social', { provider: 'oidc', callbackURL: '/' })).statusCode,
    ).toBe(404);
  });

  it('refuses hostile settings', async () => {
    for (const body of [
      { issuer: 'javascript:alert(1)' },
      { issuer: 'http://idp.example.com' },
      { issuer: 'https://user:pw@idp.example.com' },
      { name: 'two\nlines' },
      { clientId: 'x'.repeat(501) },
      { unknown: true },
    ]) {
      const response = await admin.put('/api/admin/sso', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('sign-up rules and SSO only', () => {
  let test: TestApp;
  let admin: Client;

  afterEach(async () => {
    await test?.close();
  });

  it('WEBOX_SIGNUP=closed: no new account by single sign-on, existing ones link', async () => {
    test = await createTestApp({ ...oidcEnv(), WEBOX_SIGNUP: 'closed' });
    admin = await signUp(test.app);
    const newcomer = await ssoSignIn(test.app, account());
    expect(newcomer.client).toBeNull();
    expect(newcomer.location.searchParams.get('error')).toBe('SIGNUP_CLOSED');

    const email = uniqueEmail('made-by-admin');
    const created = await admin.post('/api/admin/users', { name: 'Élève', email, password: 'a long enough password' });
    expect(created.statusCode).toBe(201);
    const linked = await ssoSignIn(test.app, account({ email }));
    expect((await me(linked.client as Client)).email).toBe(email);
  });

  it('SSO only: password sign-in and sign-up refused, except the first admin', async () => {
    test = await createTestApp(oidcEnv());
    admin = await signUp(test.app);
    const user = await signUp(test.app);
    const second = await signUp(test.app);
    expect((await admin.patch(`/api/admin/users/${(await me(second)).id}`, { role: 'admin' })).statusCode).toBe(200);

    const on = await admin.put('/api/admin/sso', { ssoOnly: true });
    expect(on.json()).toMatchObject({ ssoOnly: true });
    expect((await anonymous(test.app).get('/api/sso')).json()).toMatchObject({ ssoOnly: true });

    for (const who of [user, second]) {
      const { response } = await signIn(test.app, who.email, who.password);
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('SSO_ONLY');
      expect(cookieFrom(response)).toBe('');
    }
    const unknown = await signIn(test.app, uniqueEmail(), 'whatever password');
    expect(unknown.response.statusCode).toBe(403);
    const signUpRefused = await anonymous(test.app).post('/api/auth/sign-up/email', {
      name: 'New',
      email: uniqueEmail(),
      password: 'a long enough password',
    });
    expect(signUpRefused.statusCode).toBe(403);
    expect(signUpRefused.json().code).toBe('SSO_ONLY');

    // The first admin's password is the way back in (spelled in capitals too).
    const back = await signIn(test.app, admin.email.toUpperCase(), admin.password);
    expect(back.response.statusCode).toBe(200);
    // Single sign-on still works for everyone else.
    const sso = await ssoSignIn(test.app, account({ email: user.email }));
    expect((await me(sso.client as Client)).email).toBe(user.email);
  });

  it('SSO only needs single sign-on configured', async () => {
    test = await createTestApp({ WEBOX_PUBLIC_URL: PUBLIC_URL });
    admin = await signUp(test.app);
    const response = await admin.put('/api/admin/sso', { ssoOnly: true });
    expect(response.statusCode).toBe(400);
  });
});

describe("the stored client secret across the vault's key rotation", () => {
  const run = promisify(execFile);
  const keys = { a: randomBytes(32), b: randomBytes(32), c: randomBytes(32) };
  const entry = (id: keyof typeof keys) => `${id}:${keys[id].toString('base64')}`;
  const authSecret = randomBytes(32).toString('base64url');
  let database: TestDatabase;
  let adminCookie = '';

  const envFor = (keyring: Record<string, string>) => ({
    WEBOX_DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    WEBOX_AUTH_SECRET: authSecret,
    WEBOX_PUBLIC_URL: PUBLIC_URL,
    LOG_LEVEL: 'silent',
    ...keyring,
  });
  /** An app on the shared database with this keyring; closed after `use`. */
  async function withApp(keyring: Record<string, string>, use: (app: App) => Promise<void>) {
    const app = await buildApp(parseConfig(envFor(keyring)));
    try {
      await use(app);
    } finally {
      await app.close();
    }
  }
  const sealedSecret = async (app: App) =>
    (await app.database.db.select().from(schema.authSettings))[0]?.oidcClientSecretSealed ?? '';
  /** Single sign-on works: the secret opened and the provider took it in the code exchange. */
  async function signsIn(app: App) {
    expect(app.sso.settings.current()).toMatchObject({ source: 'settings', secretUnreadable: false });
    expect((await ssoSignIn(app, account())).client).not.toBeNull();
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await withApp({ WEBOX_MASTER_KEYS: entry('a') }, async (app) => {
      const admin = await signUp(app);
      adminCookie = admin.cookie;
      const put = await admin.put('/api/admin/sso', {
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
      });
      expect(put.statusCode, put.body).toBe(200);
      expect((await sealedSecret(app)).startsWith('wbx1:a:')).toBe(true);
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('is re-sealed by `webox vault rotate`: single sign-on works with the old key gone', async () => {
    const cli = () =>
      run(process.execPath, ['src/server/main.ts', 'vault', 'rotate'], {
        env: {
          PATH: process.env.PATH ?? '',
          ...envFor({ WEBOX_MASTER_KEYS: `${entry('a')},${entry('b')}`, WEBOX_MASTER_KEY_ACTIVE: 'b' }),
        },
      });
    expect((await cli()).stdout).toContain('Re-encrypted 1 key(s) under b');
    expect((await cli()).stdout).toContain('Re-encrypted 0 key(s) under b');
    await withApp({ WEBOX_MASTER_KEYS: entry('b') }, async (app) => {
      expect((await sealedSecret(app)).startsWith('wbx1:b:')).toBe(true);
      await signsIn(app);
    });
  });

  it("is re-sealed by the admin API's rotation: single sign-on works with the old key gone", async () => {
    await withApp({ WEBOX_MASTER_KEYS: `${entry('b')},${entry('c')}`, WEBOX_MASTER_KEY_ACTIVE: 'c' }, async (app) => {
      const report = await clientWithCookie(app, adminCookie).post('/api/admin/vault/rotate', {});
      expect(report.statusCode, report.body).toBe(200);
      expect(report.json()).toEqual({ activeKeyId: 'c', rotated: 1, skipped: 0, unreadable: 0 });
      expect((await sealedSecret(app)).startsWith('wbx1:c:')).toBe(true);
      await signsIn(app);
    });
    await withApp({ WEBOX_MASTER_KEYS: entry('c') }, signsIn);
    // The secret did move: the previous key alone no longer opens it.
    await withApp({ WEBOX_MASTER_KEYS: entry('b') }, async (app) => {
      expect(app.sso.settings.current()).toMatchObject({ source: 'none', secretUnreadable: true });
    });
  });
});
