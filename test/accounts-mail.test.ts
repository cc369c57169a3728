// E-mail over SMTP, against an SMTP server started here (test/helpers/smtp.ts): a forgotten
// password reset by e-mail, invitations e-mailed in the inviter's language, and the SMTP password
// never logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/server/config.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, cookieFrom, signIn, signUp, uniqueEmail } from './helpers/client.ts';
import { linkIn, SMTP_PASSWORD, startTestSmtp, type TestSmtp } from './helpers/smtp.ts';

let smtp: TestSmtp;
let test: TestApp;
let admin: Client;

beforeAll(async () => {
  smtp = await startTestSmtp();
  test = await createTestApp({ WEBOX_SMTP_URL: smtp.url, WEBOX_EMAIL_FROM: 'WeBox <webox@example.org>' });
  admin = await signUp(test.app, { name: 'Mme Martin' });
});

afterAll(async () => {
  await test?.close();
  await smtp?.close();
});

const requestReset = (email: string, language = 'fr-FR,fr;q=0.9', remoteAddress = '203.0.113.5') =>
  test.app.inject({
    method: 'POST',
    url: '/api/auth/request-password-reset',
    remoteAddress,
    headers: { origin: test.app.config.publicUrl, 'accept-language': language },
    payload: { email },
  });

describe('forgotten password by e-mail', () => {
  it('e-mails a link (in French), which sets a new password once and signs the user out', async () => {
    const email = uniqueEmail('forgot');
    await signUp(test.app, { email, password: 'the forgotten one' });
    const { client: oldSession } = await signIn(test.app, email, 'the forgotten one');

    const asked = await requestReset(email);
    const unknown = await requestReset(uniqueEmail('nobody'));
    expect(asked.statusCode).toBe(200);
    // The answer never says whether the address has an account.
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual(asked.json());

    const message = await smtp.waitFor(email);
    expect(message.subject).toBe('Réinitialisation de votre mot de passe WeBox');
    expect(message.raw).toMatch(/^From: WeBox <webox@example\.org>/m);
    expect(message.raw).toContain('text/html');
    const link = linkIn(message, `${test.app.config.publicUrl}/reset-password#`);
    const token = link.split('#')[1] ?? '';
    expect(token.length).toBeGreaterThan(20);

    const reset = await anonymous(test.app).post('/api/auth/reset-password', { token, newPassword: 'remembered now' });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await oldSession.get('/api/me')).statusCode).toBe(401);
    expect((await signIn(test.app, email, 'remembered now')).response.statusCode).toBe(200);
    const again = await anonymous(test.app).post('/api/auth/reset-password', {
      token,
      newPassword: 'once more please',
    });
    expect(again.json().code).toBe('INVALID_TOKEN');

    // Tokens in clear neither in the database nor in the logs.
    expect(await test.dump()).not.toContain(token);
    expect(test.logs.join('\n')).not.toContain(token);
  });

  it('sends English to an English reader, and at most 3 an hour per account', async () => {
    const email = uniqueEmail('throttled');
    await signUp(test.app, { email });
    for (let index = 0; index < 5; index++) {
      expect((await requestReset(email, 'en-GB,en;q=0.8', `203.0.113.${20 + index}`)).statusCode).toBe(200);
    }
    const first = await smtp.waitFor(email);
    expect(first.subject).toBe('Reset your WeBox password');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages.filter((message) => message.to.includes(email)).length).toBe(3);
  });

  it('is throttled per address', async () => {
    const statuses = [];
    for (let index = 0; index < 7; index++)
      statuses.push((await requestReset(uniqueEmail('burst'), 'fr', '203.0.113.99')).statusCode);
    expect(statuses.slice(0, 5).every((status) => status === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('invitations by e-mail', () => {
  it('e-mails the link (not in the answer), in the chosen language; the invitee accepts', async () => {
    const email = uniqueEmail('invited');
    const response = await admin.post('/api/admin/invitations', { email, locale: 'en' });
    expect(response.statusCode).toBe(201);
    const [made] = response.json().invitations;
    expect(made).toMatchObject({ email, emailed: true, url: null, locale: 'en' });
    expect(made.emailSentAt).not.toBeNull();
    const message = await smtp.waitFor(email);
    expect(message.subject).toBe('Your invitation to join WeBox');
    expect(message.decoded).toContain('Mme Martin');
    const token = linkIn(message, `${test.app.config.publicUrl}/invitation#`).split('#')[1] ?? '';
    const accepted = await anonymous(test.app).post(`/api/invitations/${token}/accept`, {
      name: 'Invited',
      password: 'a long enough password',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(cookieFrom(accepted)).toContain('webox.session_token');
  });

  it('writes French subjects by default, and an admin reset link is e-mailed', async () => {
    const email = uniqueEmail('fr');
    const response = await admin.request({
      method: 'POST',
      url: '/api/admin/invitations',
      headers: { 'accept-language': 'fr-FR' },
      payload: { email },
    });
    expect(response.json().invitations[0].emailed).toBe(true);
    expect((await smtp.waitFor(email)).subject).toBe('Votre invitation à rejoindre WeBox');

    const target = await signUp(test.app);
    const id = (await target.get('/api/me')).json().id;
    const reset = await admin.post(`/api/admin/users/${id}/password-reset`, { locale: 'fr' });
    expect(reset.json()).toMatchObject({ passwordSet: false, emailed: true, url: null });
    expect((await smtp.waitFor(target.email)).subject).toBe('Réinitialisation de votre mot de passe WeBox');
  });

  it('never logs the SMTP password', async () => {
    expect(test.logs.join('\n')).toContain('e-mail sent');
    expect(test.logs.join('\n')).not.toContain(SMTP_PASSWORD);
  });
});

describe('configuration', () => {
  it('checks WEBOX_SMTP_URL and WEBOX_EMAIL_FROM without repeating the URL', () => {
    const bad = (env: Record<string, string>) => {
      try {
        parseConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(
      bad({ WEBOX_SMTP_URL: 'http://user:hunter2-secret@mail.example.org', WEBOX_EMAIL_FROM: 'a@b.org' }),
    ).not.toContain('hunter2-secret');
    expect(bad({ WEBOX_SMTP_URL: 'smtp://user:hunter2-secret@mail.example.org:587' })).toContain('WEBOX_EMAIL_FROM');
    expect(bad({ WEBOX_SMTP_URL: 'smtp://mail.example.org', WEBOX_EMAIL_FROM: 'not an address' })).toContain(
      'WEBOX_EMAIL_FROM',
    );
    const config = parseConfig({
      WEBOX_SMTP_URL: 'smtps://u:p@mail.example.org',
      WEBOX_EMAIL_FROM: 'WeBox <x@example.org>',
    });
    expect(config.mail).toEqual({ smtpUrl: 'smtps://u:p@mail.example.org', from: 'WeBox <x@example.org>' });
    expect(parseConfig({}).mail).toBeNull();
  });
});
