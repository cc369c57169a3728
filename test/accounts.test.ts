// Accounts: sign-up, sign-in, sign-out, the first admin, closed sign-up, admin user management,
// and every admin route refusing users (403) and anonymous callers (401).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signIn, signUp, uniqueEmail } from './helpers/client.ts';

let test: TestApp;
let admin: Client;
let alice: Client;

beforeAll(async () => {
  test = await createTestApp({ WEBOX_SIGNUP: 'closed' });
  admin = await signUp(test.app, { name: 'Ada Admin' });
});

afterAll(async () => {
  await test?.close();
});

describe('accounts', () => {
  it('makes the first account admin and answers /api/me', async () => {
    const me = await admin.get('/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      id: expect.any(String),
      email: admin.email,
      name: 'Ada Admin',
      role: 'admin',
      twoFactorEnabled: false,
      twoFactorRequired: false,
    });
  });

  it('refuses public sign-up when WEBOX_SIGNUP=closed, after the first account', async () => {
    const response = await anonymous(test.app).post('/api/auth/sign-up/email', {
      name: 'Mallory',
      email: uniqueEmail(),
      password: 'long enough password',
    });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Sign-up is closed');
  });

  it('lets an admin create accounts, which can then sign in as users', async () => {
    const email = uniqueEmail('alice');
    const created = await admin.post('/api/admin/users', { name: 'Alice', email, password: 'alice password 1' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email, name: 'Alice', role: 'user', disabled: false, personalKeys: [] });

    const duplicate = await admin.post('/api/admin/users', { name: 'Alice', email, password: 'alice password 1' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('email_taken');

    const { response, client } = await signIn(test.app, email, 'alice password 1');
    expect(response.statusCode).toBe(200);
    alice = client;
    expect((await alice.get('/api/me')).json()).toMatchObject({ email, role: 'user' });
  });

  it('rejects a wrong password without a session', async () => {
    const { response } = await signIn(test.app, alice.email, 'not the password');
    expect(response.statusCode).toBe(401);
    expect(response.headers['set-cookie'] ?? '').not.toContain('session_token=');
  });

  it('signs out: the old cookie no longer works', async () => {
    const { client } = await signIn(test.app, alice.email, alice.password);
    expect((await client.get('/api/me')).statusCode).toBe(200);
    const out = await client.post('/api/auth/sign-out', {});
    expect(out.statusCode).toBe(200);
    expect((await client.get('/api/me')).statusCode).toBe(401);
  });

  it('answers 401 unauthenticated to anonymous callers', async () => {
    const response = await anonymous(test.app).get('/api/me');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
  });

  it('promotes, demotes and disables accounts; a disabled account is signed out', async () => {
    const users = (await admin.get('/api/admin/users')).json().users as Array<{ id: string; email: string }>;
    const aliceRow = users.find((row) => row.email === alice.email);
    expect(aliceRow).toBeDefined();

    const promoted = await admin.patch(`/api/admin/users/${aliceRow?.id}`, { role: 'admin' });
    expect(promoted.json()).toMatchObject({ role: 'admin' });
    expect((await alice.get('/api/admin/keys')).statusCode).toBe(200);
    await admin.patch(`/api/admin/users/${aliceRow?.id}`, { role: 'user' });
    expect((await alice.get('/api/admin/keys')).statusCode).toBe(403);

    const disabled = await admin.patch(`/api/admin/users/${aliceRow?.id}`, { disabled: true });
    expect(disabled.json()).toMatchObject({ disabled: true });
    expect((await alice.get('/api/me')).statusCode).toBe(401);
    const { response } = await signIn(test.app, alice.email, alice.password);
    expect(response.statusCode).toBeGreaterThanOrEqual(400);

    await admin.patch(`/api/admin/users/${aliceRow?.id}`, { disabled: false });
    const again = await signIn(test.app, alice.email, alice.password);
    expect(again.response.statusCode).toBe(200);
    alice = again.client;
  });

  it('refuses an admin demoting or disabling themselves', async () => {
    const me = (await admin.get('/api/me')).json();
    const response = await admin.patch(`/api/admin/users/${me.id}`, { role: 'user' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('cannot_change_self');
  });

  it('answers 404 for an unknown user id and 400 for an empty change', async () => {
    expect((await admin.patch('/api/admin/users/nope', { role: 'admin' })).statusCode).toBe(404);
    const empty = await admin.patch('/api/admin/users/nope', {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('invalid_request');
  });
});

describe('admin routes refuse the wrong role', () => {
  const adminRoutes: Array<{ method: 'GET' | 'PUT' | 'DELETE' | 'POST' | 'PATCH'; url: string; payload?: unknown }> = [
    { method: 'GET', url: '/api/admin/keys' },
    { method: 'PUT', url: '/api/admin/keys/openai', payload: { apiKey: 'sk-test-0123456789abcdefghij' } },
    { method: 'DELETE', url: '/api/admin/keys/openai' },
    { method: 'GET', url: '/api/admin/users' },
    {
      method: 'POST',
      url: '/api/admin/users',
      payload: { name: 'X', email: 'x@example.com', password: 'password123' },
    },
    { method: 'PATCH', url: '/api/admin/users/some-id', payload: { role: 'admin' } },
    { method: 'POST', url: '/api/admin/vault/rotate', payload: {} },
  ];

  for (const route of adminRoutes) {
    it(`${route.method} ${route.url}: 401 anonymous, 403 user`, async () => {
      const asAnonymous = await anonymous(test.app).request({
        method: route.method,
        url: route.url,
        payload: route.payload as never,
      });
      expect(asAnonymous.statusCode).toBe(401);
      expect(asAnonymous.json().error.code).toBe('unauthenticated');
      const asUser = await alice.request({ method: route.method, url: route.url, payload: route.payload as never });
      expect(asUser.statusCode).toBe(403);
      expect(asUser.json().error.code).toBe('forbidden');
    });
  }
});
