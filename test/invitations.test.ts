// Invitations, class lists, admin password resets and the sign-up setting, without e-mail: the
// links come back to the admin (docs/accounts-api.md). E-mail itself: accounts-mail.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userGroup, userGroupMember } from '../src/server/db/schema/groups.ts';
import { invitation } from '../src/server/db/schema/invitations.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, cookieFrom, signIn, signUp, uniqueEmail } from './helpers/client.ts';

let test: TestApp;
let admin: Client;
let user: Client;
/** Every token handed out in this file: none may be in a log line or the database. */
const tokens: string[] = [];

beforeAll(async () => {
  test = await createTestApp({ WEBOX_SIGNUP: 'closed' });
  admin = await signUp(test.app, { name: 'Mme Martin' });
  const created = await admin.post('/api/admin/users', {
    name: 'Plain user',
    email: uniqueEmail('plain'),
    password: 'correct horse battery staple',
  });
  expect(created.statusCode).toBe(201);
  user = (await signIn(test.app, created.json().email, 'correct horse battery staple')).client;
});

afterAll(async () => {
  await test?.close();
});

const tokenOf = (url: string) => {
  const token = url.split('#')[1] ?? '';
  tokens.push(token);
  return token;
};

/** Accepting from one fixed address (a class behind one school address). */
const accept = (token: string, body: unknown, remoteAddress = '192.0.2.10') =>
  test.app.inject({
    method: 'POST',
    url: `/api/invitations/${token}/accept`,
    remoteAddress,
    headers: { origin: test.app.config.publicUrl },
    payload: body as Record<string, unknown>,
  });

async function invite(body: Record<string, unknown>) {
  const response = await admin.post('/api/admin/invitations', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json().invitations as Array<{
    id: string;
    email: string;
    url: string;
    emailed: boolean;
    status: string;
  }>;
}

async function makeGroup(name: string) {
  const [row] = await test.app.database.db.insert(userGroup).values({ name }).returning();
  if (!row) throw new Error('no group');
  return row.id;
}

describe('invitations by link', () => {
  it('refuses anonymous callers and plain users on the admin routes', async () => {
    for (const [method, url] of [
      ['POST', '/api/admin/invitations'],
      ['GET', '/api/admin/invitations'],
      ['DELETE', '/api/admin/invitations/00000000-0000-4000-8000-000000000000'],
      ['POST', '/api/admin/invitations/import'],
      ['POST', `/api/admin/users/${admin.email}/password-reset`],
      ['GET', '/api/admin/account-settings'],
      ['PUT', '/api/admin/account-settings'],
    ] as const) {
      expect((await anonymous(test.app).request({ method, url, payload: {} })).statusCode, url).toBe(401);
      expect((await user.request({ method, url, payload: {} })).statusCode, url).toBe(403);
    }
  });

  it('invites, shows the invitee only the address and expiry, accepts once and signs in (sign-up closed)', async () => {
    const email = uniqueEmail('invitee');
    const [made] = await invite({ email, expiresInDays: 3 });
    expect(made).toMatchObject({ email, emailed: false, status: 'pending', role: 'user' });
    expect(made?.url).toMatch(new RegExp(`^${test.app.config.publicUrl}/invitation#[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(made?.url ?? '');

    const shown = await anonymous(test.app).get(`/api/invitations/${token}`);
    expect(shown.statusCode).toBe(200);
    expect(Object.keys(shown.json()).sort()).toEqual(['email', 'expiresAt', 'locale', 'name']);
    expect(shown.json().email).toBe(email);
    const days = (Date.parse(shown.json().expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThan(3.1);

    const accepted = await accept(token, { name: 'Léa Dupont', password: 'a long enough password' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().user).toMatchObject({ email, name: 'Léa Dupont', role: 'user' });
    const me = await test.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: cookieFrom(accepted) } });
    expect(me.json()).toMatchObject({ email, name: 'Léa Dupont' });

    // Once only; the link no longer shows anything.
    const again = await accept(token, { name: 'Someone else', password: 'another long password' });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('invitation_invalid');
    expect((await anonymous(test.app).get(`/api/invitations/${token}`)).statusCode).toBe(404);

    const listed = (await admin.get('/api/admin/invitations')).json().invitations;
    expect(listed.find((row: { id: string }) => row.id === made?.id)).toMatchObject({ status: 'accepted' });
    expect(JSON.stringify(listed)).not.toContain(token);
  });

  it('answers one 404 for unknown, malformed, revoked and expired links', async () => {
    const [revoked, expired] = await invite({ emails: [uniqueEmail('revoked'), uniqueEmail('expired')] });
    const revokedToken = tokenOf(revoked?.url ?? '');
    const expiredToken = tokenOf(expired?.url ?? '');
    expect((await admin.delete(`/api/admin/invitations/${revoked?.id}`)).statusCode).toBe(204);
    await test.app.database.db
      .update(invitation)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where((await import('drizzle-orm')).eq(invitation.id, expired?.id ?? ''));
    for (const token of [revokedToken, expiredToken, 'A'.repeat(43), 'not-a-token', '..%2f..%2fx']) {
      const shown = await anonymous(test.app).get(`/api/invitations/${encodeURIComponent(token)}`);
      expect(shown.statusCode, token).toBe(404);
      expect(shown.json().error.code, token).toBe('invitation_invalid');
      const accepted = await accept(encodeURIComponent(token), { name: 'X', password: 'a long enough password' });
      expect(accepted.statusCode, token).toBe(404);
    }
    const statuses = (await admin.get('/api/admin/invitations')).json().invitations;
    expect(statuses.find((row: { id: string }) => row.id === revoked?.id).status).toBe('revoked');
    expect(statuses.find((row: { id: string }) => row.id === expired?.id).status).toBe('expired');
    expect((await admin.delete('/api/admin/invitations/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('gives the role and joins the group; refuses an unknown group, a taken address, and e-mail without SMTP', async () => {
    const groupId = await makeGroup(`Group ${Date.now()}`);
    const email = uniqueEmail('teacher');
    const [made] = await invite({ email, role: 'admin', groupId });
    const accepted = await accept(tokenOf(made?.url ?? ''), { name: 'M. Teacher', password: 'a long enough password' });
    expect(accepted.json().user.role).toBe('admin');
    const members = await test.app.database.db.select().from(userGroupMember);
    expect(members).toContainEqual(
      expect.objectContaining({ userId: accepted.json().user.id, groupId, role: 'member' }),
    );

    const unknown = await admin.post('/api/admin/invitations', {
      email: uniqueEmail(),
      groupId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
    const taken = await admin.post('/api/admin/invitations', { email });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().error.emails).toEqual([email]);
    const noSmtp = await admin.post('/api/admin/invitations', { email: uniqueEmail(), sendEmail: true });
    expect(noSmtp.statusCode).toBe(400);
    expect(noSmtp.json().error.code).toBe('email_not_configured');
    for (const body of [
      {},
      { email: 'not an address' },
      { email: uniqueEmail(), expiresInDays: 0 },
      { email: uniqueEmail(), role: 'root' },
    ]) {
      expect((await admin.post('/api/admin/invitations', body)).statusCode, JSON.stringify(body)).toBe(400);
    }
  });

  it('lets 30 invitees from one address accept within a minute (sign-up stays limited to 10 there)', async () => {
    const made = await invite({ emails: Array.from({ length: 30 }, (_, index) => uniqueEmail(`student${index}`)) });
    expect(made).toHaveLength(30);
    const started = Date.now();
    for (const [index, entry] of made.entries()) {
      const accepted = await accept(
        tokenOf(entry.url),
        { name: `Élève ${index}`, password: 'a long enough password' },
        '192.0.2.77',
      );
      expect(accepted.statusCode, `${index}: ${accepted.body}`).toBe(200);
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});

describe('class lists', () => {
  it('reports every error per line and imports nothing', async () => {
    await makeGroup('Seconde B');
    const before = (await admin.get('/api/admin/invitations')).json().invitations.length;
    const csv = [
      'email;nom;groupe',
      'good@example.com;Good One;Seconde B',
      'not-an-address;Bad;Seconde B',
      'good@example.com;Again;Seconde B',
      `${admin.email};Admin;`,
      'other@example.com;Other;Terminale Z',
    ].join('\r\n');
    const response = await admin.post('/api/admin/invitations/import', { csv });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_class_list');
    expect(response.json().error.errors).toEqual([
      { line: 3, field: 'email', reason: 'invalid_email' },
      { line: 4, field: 'email', reason: 'duplicate_in_file' },
      { line: 5, field: 'email', reason: 'has_account' },
      { line: 6, field: 'group', reason: 'unknown_group' },
    ]);
    expect((await admin.get('/api/admin/invitations')).json().invitations.length).toBe(before);
    const noEmail = await admin.post('/api/admin/invitations/import', { csv: 'nom,prénom\nA,B' });
    expect(noEmail.json().error.errors).toEqual([{ line: 1, field: 'email', reason: 'missing_column' }]);
  });

  it('imports a spreadsheet export (BOM, `;`, French headers, first and last names) as invitations', async () => {
    const groupId = await makeGroup('Seconde C');
    const rows = Array.from(
      { length: 5 },
      (_, index) => `\n${uniqueEmail(`eleve${index}`).toUpperCase()};Prénom${index};Nom${index};seconde c`,
    );
    const csv = `\uFEFFCourriel;Prénom;Nom;Classe${rows.join('')}\n`;
    const response = await admin.post('/api/admin/invitations/import', { csv });
    expect(response.statusCode, response.body).toBe(201);
    const made = response.json().invitations;
    expect(made).toHaveLength(5);
    expect(made[0]).toMatchObject({ groupId, emailed: false });
    expect(made[0].email).toBe(made[0].email.toLowerCase());
    const shown = await anonymous(test.app).get(`/api/invitations/${tokenOf(made[0].url)}`);
    expect(shown.json().name).toBe('Prénom0 Nom0');
    const english = await admin.post('/api/admin/invitations/import', {
      csv: `email,name\n${uniqueEmail('en')},"Smith, Jane"\n`,
    });
    expect(english.statusCode, english.body).toBe(201);
    tokenOf(english.json().invitations[0].url);
  });
});

describe("an admin resets a user's password", () => {
  async function freshUser() {
    const email = uniqueEmail('reset');
    const created = await admin.post('/api/admin/users', { name: 'Reset me', email, password: 'the old password' });
    const { client } = await signIn(test.app, email, 'the old password');
    return { id: created.json().id as string, email, client };
  }

  it('sets a new password and signs the user out everywhere', async () => {
    const target = await freshUser();
    expect((await target.client.get('/api/me')).statusCode).toBe(200);
    const response = await admin.post(`/api/admin/users/${target.id}/password-reset`, {
      password: 'a brand new password',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ passwordSet: true, url: null, sessionsRevoked: true });
    expect((await target.client.get('/api/me')).statusCode).toBe(401);
    expect((await signIn(test.app, target.email, 'the old password')).response.statusCode).toBe(401);
    expect((await signIn(test.app, target.email, 'a brand new password')).response.statusCode).toBe(200);
  });

  it('makes a reset link that works once', async () => {
    const target = await freshUser();
    const response = await admin.post(`/api/admin/users/${target.id}/password-reset`, {});
    expect(response.json()).toMatchObject({ passwordSet: false, emailed: false, sessionsRevoked: true });
    expect(response.json().url).toMatch(/\/reset-password#[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(response.json().url);
    expect((await target.client.get('/api/me')).statusCode).toBe(401);
    const reset = () =>
      anonymous(test.app).post('/api/auth/reset-password', { token, newPassword: 'chosen by the user' });
    expect((await reset()).statusCode).toBe(200);
    expect((await signIn(test.app, target.email, 'chosen by the user')).response.statusCode).toBe(200);
    const again = await reset();
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('INVALID_TOKEN');
    expect((await admin.post('/api/admin/users/nobody/password-reset', {})).statusCode).toBe(404);
    expect((await admin.post(`/api/admin/users/${target.id}/password-reset`, { password: 'short' })).statusCode).toBe(
      400,
    );
  });
});

describe('the sign-up limit per address', () => {
  it('is 10 a minute until the admin raises it; password guessing stays throttled', async () => {
    const open = await createTestApp();
    try {
      const first = await signUp(open.app);
      const signUpFrom = (address: string) =>
        open.app.inject({
          method: 'POST',
          url: '/api/auth/sign-up/email',
          remoteAddress: address,
          headers: { origin: open.app.config.publicUrl },
          payload: { name: 'Student', email: uniqueEmail('class'), password: 'a long enough password' },
        });
      const statuses = [];
      for (let index = 0; index < 11; index++) statuses.push((await signUpFrom('198.51.100.1')).statusCode);
      expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
      expect(statuses[10]).toBe(429);

      expect((await first.get('/api/admin/account-settings')).json()).toEqual({
        signupsPerAddressPerMinute: 10,
        signup: 'open',
        emailEnabled: false,
      });
      const raised = await first.put('/api/admin/account-settings', { signupsPerAddressPerMinute: 40 });
      expect(raised.json().signupsPerAddressPerMinute).toBe(40);
      for (let index = 0; index < 15; index++) expect((await signUpFrom('198.51.100.2')).statusCode).toBe(200);
      expect((await first.put('/api/admin/account-settings', { signupsPerAddressPerMinute: 0 })).statusCode).toBe(400);

      // Guessing one account's password: still locked after 10 failures, from any addresses.
      const victim = uniqueEmail('victim');
      await signUpFrom('198.51.100.3');
      let last = 0;
      for (let index = 0; index < 11; index++) {
        last = (
          await open.app.inject({
            method: 'POST',
            url: '/api/auth/sign-in/email',
            remoteAddress: `198.51.101.${index}`,
            headers: { origin: open.app.config.publicUrl },
            payload: { email: victim, password: `guess ${index}` },
          })
        ).statusCode;
      }
      expect(last).toBe(429);
    } finally {
      await open.close();
    }
  }, 180_000);
});

describe('secrets', () => {
  it('no token handed out is in a log line or in the database', async () => {
    expect(tokens.length).toBeGreaterThan(30);
    const logs = test.logs.join('\n');
    const dump = await test.dump();
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(logs.includes(token), 'logs').toBe(false);
      expect(dump.includes(token), 'database').toBe(false);
    }
    // The request log still says which route was called.
    expect(logs).toContain('/api/invitations/[redacted]');
  });
});
