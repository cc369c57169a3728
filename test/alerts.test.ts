// Alerts end to end over HTTP: a raise shows in the app with its unread count, goes by e-mail to the
// admins who chose it (a real SMTP server) and to the admins' webhooks, signed (a real receiver
// checks the signature the Standard Webhooks way); retries keep the alert's id, a delivery that
// fails for a day is given up and shown failed; webhook URLs are checked; the webhook secret never
// leaves in clear (responses, logs, the whole database); the admin routes refuse everyone else.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAlert } from '../src/server/alerts/alert-store.ts';
import { buildKeyring, keyIdFor, open, sealedKeyId } from '../src/server/vault/crypto.ts';
import { createKeyStore } from '../src/server/vault/key-store.ts';
import { rotateVault } from '../src/server/vault/vault-rotation.ts';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signIn, signUp, uniqueEmail } from './helpers/client.ts';
import { keyEncodings } from './helpers/keys.ts';
import { startTestSmtp, type TestSmtp } from './helpers/smtp.ts';
import { startWebhookReceiver, verifyStandardWebhook, type WebhookReceiver } from './helpers/webhook-receiver.ts';

let smtp: TestSmtp;
let test: TestApp;
let admin: Client;
let secondAdmin: Client;
let user: Client;
let userId: string;
let otherUser: Client;
const receivers: WebhookReceiver[] = [];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

beforeAll(async () => {
  smtp = await startTestSmtp();
  test = await createTestApp({ WEBOX_SMTP_URL: smtp.url, WEBOX_EMAIL_FROM: 'WeBox <webox@example.org>' });
  admin = await signUp(test.app, { name: 'Admin One' });
  const email = uniqueEmail('admin2');
  const created = await admin.post('/api/admin/users', {
    name: 'Admin Two',
    email,
    password: 'a long password 2',
    role: 'admin',
  });
  expect(created.statusCode).toBe(201);
  secondAdmin = (await signIn(test.app, email, 'a long password 2')).client;
  user = await signUp(test.app, { name: 'Plain User' });
  userId = (await user.get('/api/me')).json().id;
  otherUser = await signUp(test.app, { name: 'Other User' });
});

afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await test?.close();
  await smtp?.close();
});

const raise = (alert: Partial<NewAlert> = {}) =>
  test.app.alerts.raise({
    kind: 'global_key.rejected',
    onceKey: `test-${randomUUID()}`,
    severity: 'critical',
    audience: 'admins',
    provider: 'openai',
    details: { status: 401 },
    ...alert,
  });

async function receiver(statuses?: number[]) {
  const started = await startWebhookReceiver(statuses);
  receivers.push(started);
  return started;
}

async function addWebhook(url: string, secret = `whsec_${randomBytes(24).toString('base64')}`, extra = {}) {
  const response = await admin.post('/api/admin/alerts/webhooks', { name: 'Ops', url, secret, ...extra });
  expect(response.statusCode, response.body).toBe(201);
  return { id: response.json().id as string, secret };
}

async function deliveriesOf(alertId: string, channel?: 'email' | 'webhook') {
  const response = await admin.get('/api/admin/alerts/deliveries');
  expect(response.statusCode).toBe(200);
  return (response.json().deliveries as Array<Record<string, unknown>>).filter(
    (row) => row.alertId === alertId && (channel === undefined || row.channel === channel),
  );
}

/** The message to this address with this subject (earlier alerts were e-mailed too). */
async function mailTo(to: string, subject: string) {
  for (let round = 0; round < 50; round++) {
    const found = smtp.messages.find((message) => message.to.includes(to.toLowerCase()) && message.subject === subject);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no e-mail "${subject}" to ${to}`);
}

describe('in the app', () => {
  it('shows a raised alert to every admin with an unread count, and marks it read for one of them', async () => {
    const raised = await raise();
    expect(raised).not.toBeNull();
    expect(await raise({ onceKey: raised?.onceKey })).toBeNull();

    const list = (await admin.get('/api/alerts')).json();
    expect(list.alerts[0]).toMatchObject({
      id: raised?.id,
      kind: 'global_key.rejected',
      read: false,
      provider: 'openai',
    });
    const unreadBefore = list.unread;
    expect(unreadBefore).toBeGreaterThanOrEqual(1);

    expect((await admin.post('/api/alerts/read', { ids: [raised?.id] })).statusCode).toBe(204);
    const after = (await admin.get('/api/alerts')).json();
    expect(after.unread).toBe(unreadBefore - 1);
    expect(after.alerts.find((entry: { id: string }) => entry.id === raised?.id).read).toBe(true);
    // The other admin's read state is theirs.
    const second = (await secondAdmin.get('/api/alerts')).json();
    expect(second.alerts.find((entry: { id: string }) => entry.id === raised?.id).read).toBe(false);

    expect((await secondAdmin.post('/api/alerts/read', { all: true })).statusCode).toBe(204);
    expect((await secondAdmin.get('/api/alerts')).json().unread).toBe(0);
  });

  it('shows a user only their own alerts, and admins not another user’s', async () => {
    const own = await raise({
      kind: 'personal_key.rejected',
      audience: 'user',
      subjectUserId: userId,
      severity: 'warning',
    });
    await raise();
    const mine = (await user.get('/api/alerts')).json();
    expect(mine.alerts.map((entry: { id: string }) => entry.id)).toEqual([own?.id]);
    expect(mine.unread).toBe(1);
    expect((await otherUser.get('/api/alerts')).json()).toMatchObject({ alerts: [], unread: 0 });
    const adminList = (await admin.get('/api/alerts?limit=100')).json();
    expect(adminList.alerts.some((entry: { id: string }) => entry.id === own?.id)).toBe(false);
    // Marking someone else's alert read does nothing.
    await otherUser.post('/api/alerts/read', { ids: [own?.id] });
    expect((await user.get('/api/alerts')).json().unread).toBe(1);
  });

  it('pages newest first by cursor', async () => {
    const ids = [];
    for (let index = 0; index < 3; index++) ids.push((await raise())?.id);
    const first = (await admin.get('/api/alerts?limit=2')).json();
    expect(first.alerts.map((entry: { id: string }) => entry.id)).toEqual([ids[2], ids[1]]);
    const second = (await admin.get(`/api/alerts?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.alerts[0].id).toBe(ids[0]);
    expect((await admin.get('/api/alerts?cursor=not-a-cursor')).statusCode).toBe(400);
  });
});

describe('by e-mail', () => {
  it('e-mails the admins who chose it (on by default), in their language, not the one who turned it off', async () => {
    expect((await admin.get('/api/alerts/preferences')).json()).toMatchObject({ email: true, emailAvailable: true });
    expect((await admin.put('/api/alerts/preferences', { email: true, locale: 'en' })).statusCode).toBe(200);
    expect((await secondAdmin.put('/api/alerts/preferences', { email: false })).json().email).toBe(false);
    // A user's alert e-mails are off until they turn them on.
    expect((await user.get('/api/alerts/preferences')).json().email).toBe(false);

    const raised = await raise({
      kind: 'operator_budget.threshold',
      provider: null,
      details: { period: 'month', threshold: 80, spentMicrousd: 80_000_000, limitMicrousd: 100_000_000 },
    });
    await test.app.alerts.deliverDue();
    const mail = await mailTo(admin.email, '[WeBox] Global keys monthly budget: 80% reached');
    expect(mail.decoded).toContain('$80.00');
    expect(mail.decoded).toContain('$100.00');
    expect(
      smtp.messages.some(
        (message) => message.to.includes(secondAdmin.email.toLowerCase()) && message.subject === mail.subject,
      ),
    ).toBe(false);
    const rows = await deliveriesOf(raised?.id ?? '');
    expect(rows).toEqual([
      expect.objectContaining({ channel: 'email', recipient: admin.email, status: 'delivered', attempts: 1 }),
    ]);
  });

  it('e-mails a user their own alert once they chose e-mail, in French', async () => {
    await user.put('/api/alerts/preferences', { email: true, locale: 'fr' });
    await raise({ kind: 'personal_key.rejected', audience: 'user', subjectUserId: userId, provider: 'anthropic' });
    await test.app.alerts.deliverDue();
    await mailTo(user.email, '[WeBox] Votre clé Anthropic est refusée');
  });
});

describe('by webhook', () => {
  it('posts the alert signed the Standard Webhooks way, built from the row’s scalars', async () => {
    const target = await receiver();
    const hook = await addWebhook(target.url);
    const raised = await raise({ details: { status: 403 } });
    await test.app.alerts.deliverDue();
    expect(target.received).toHaveLength(1);
    const post = target.received[0];
    if (!post) throw new Error('no post');
    expect(post.headers['webhook-id']).toBe(raised?.id);
    expect(verifyStandardWebhook(hook.secret, post)).toBe(true);
    expect(verifyStandardWebhook(`whsec_${randomBytes(24).toString('base64')}`, post)).toBe(false);
    expect(verifyStandardWebhook(hook.secret, { ...post, body: post.body.replace('403', '404') })).toBe(false);
    const body = JSON.parse(post.body);
    expect(body).toMatchObject({
      id: raised?.id,
      kind: 'global_key.rejected',
      severity: 'critical',
      provider: 'openai',
      details: { status: 403 },
      createdAt: raised?.createdAt.toISOString(),
    });
    expect(body.text).toContain('OpenAI');
    expect(post.body).not.toContain(hook.secret);
    await admin.delete(`/api/admin/alerts/webhooks/${hook.id}`);
  });

  it('posts Slack’s {text} in the webhook’s language', async () => {
    const target = await receiver();
    const hook = await addWebhook(target.url, undefined, { format: 'slack', locale: 'en' });
    await raise({
      kind: 'spend.jump',
      provider: null,
      details: { hourMicrousd: 9_000_000, usualHourMicrousd: 1_000_000, multiple: 9 },
    });
    await test.app.alerts.deliverDue();
    expect(Object.keys(JSON.parse(target.received[0]?.body ?? '{}'))).toEqual(['text']);
    expect(JSON.parse(target.received[0]?.body ?? '{}').text).toContain('9 times the usual hour');
    await admin.delete(`/api/admin/alerts/webhooks/${hook.id}`);
  });

  it('retries a receiver that fails twice: it gets the alert three times with the same id, delivered once', async () => {
    const target = await receiver([500, 503, 200]);
    const hook = await addWebhook(target.url);
    const raised = await raise();
    const start = Date.now();
    await test.app.alerts.deliverDue(new Date(start));
    // Not due again before its minute.
    await test.app.alerts.deliverDue(new Date(start + 30_000));
    expect(target.received).toHaveLength(1);
    expect((await deliveriesOf(raised?.id ?? '', 'webhook'))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'HTTP 500',
    });
    await test.app.alerts.deliverDue(new Date(start + 2 * MINUTE));
    await test.app.alerts.deliverDue(new Date(start + 10 * MINUTE));
    await test.app.alerts.deliverDue(new Date(start + 2 * HOUR));
    expect(target.received).toHaveLength(3);
    expect(new Set(target.received.map((post) => post.headers['webhook-id']))).toEqual(new Set([raised?.id]));
    expect(new Set(target.received.map((post) => JSON.parse(post.body).id))).toEqual(new Set([raised?.id]));
    for (const post of target.received) expect(verifyStandardWebhook(hook.secret, post, 3 * HOUR)).toBe(true);
    const [row] = await deliveriesOf(raised?.id ?? '', 'webhook');
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, lastError: null });
    const metrics = await test.app.metrics.registry.metrics();
    expect(metrics).toMatch(/webox_alert_deliveries_total\{channel="webhook",outcome="retry"\} [1-9]/);
    expect(metrics).toMatch(/webox_alert_deliveries_total\{channel="webhook",outcome="delivered"\} [1-9]/);
    await admin.delete(`/api/admin/alerts/webhooks/${hook.id}`);
  });

  it('gives a delivery up after a day of failures and shows it failed, without the receiver’s words', async () => {
    const target = await receiver([500]);
    const hook = await addWebhook(target.url);
    const raised = await raise();
    let at = Date.now();
    for (let attempt = 0; attempt < 12; attempt++) {
      await test.app.alerts.deliverDue(new Date(at));
      at += 13 * HOUR;
    }
    expect(target.received).toHaveLength(8);
    const [row] = await deliveriesOf(raised?.id ?? '', 'webhook');
    expect(row).toMatchObject({ status: 'failed', attempts: 8, lastError: 'HTTP 500', nextAttemptAt: null });
    expect(await test.app.metrics.registry.metrics()).toMatch(
      /webox_alert_deliveries_total\{channel="webhook",outcome="failed"\} [1-9]/,
    );
    expect(JSON.stringify(await deliveriesOf(raised?.id ?? ''))).not.toContain('receiver says no');
    expect(await test.dump()).not.toContain('receiver says no');
    await admin.delete(`/api/admin/alerts/webhooks/${hook.id}`);
  });

  it('sends a test alert per channel', async () => {
    const target = await receiver();
    // Disabled: it gets no alert, but a test still reaches it (an admin tries it before turning it on).
    const hook = await addWebhook(target.url, undefined, { enabled: false });
    await raise();
    await test.app.alerts.deliverDue();
    expect(target.received).toHaveLength(0);
    const viaHook = await admin.post('/api/admin/alerts/test', { channel: 'webhook', webhookId: hook.id });
    expect(viaHook.json()).toMatchObject({ deliveries: 1 });
    await test.app.alerts.deliverDue();
    expect(JSON.parse(target.received[0]?.body ?? '{}')).toMatchObject({ kind: 'test', id: viaHook.json().alertId });

    const inApp = await admin.post('/api/admin/alerts/test', { channel: 'app' });
    expect(inApp.json()).toMatchObject({ deliveries: 0 });
    expect((await admin.get('/api/alerts')).json().alerts[0]).toMatchObject({ id: inApp.json().alertId, kind: 'test' });
    // Only the admin who sent it sees it.
    const others = (await secondAdmin.get('/api/alerts?limit=100')).json().alerts;
    expect(others.some((entry: { id: string }) => entry.id === inApp.json().alertId)).toBe(false);

    await admin.post('/api/admin/alerts/test', { channel: 'email' });
    await test.app.alerts.deliverDue();
    await mailTo(admin.email, '[WeBox] Test alert');
    expect(
      (await admin.post('/api/admin/alerts/test', { channel: 'webhook', webhookId: randomUUID() })).statusCode,
    ).toBe(404);
    await admin.delete(`/api/admin/alerts/webhooks/${hook.id}`);
  });
});

describe('webhook settings', () => {
  it('refuses URLs that are not plain http(s), carry credentials, are too long or aim at link-local or metadata addresses', async () => {
    const refused = [
      'ftp://example.org/hook',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://user:pass@example.org/hook',
      'https://token@example.org/hook',
      `https://example.org/${'a'.repeat(2100)}`,
      'http://169.254.169.254/latest/meta-data/',
      'http://169.254.10.1/',
      'http://[fe80::1]/',
      'http://100.100.100.200/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://0.0.0.0/',
      'not a url',
    ];
    for (const url of refused) {
      const response = await admin.post('/api/admin/alerts/webhooks', {
        name: 'Bad',
        url,
        secret: 'a-secret-of-enough-length',
      });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
    const list = (await admin.get('/api/admin/alerts/webhooks')).json().webhooks;
    expect(list.some((hook: { name: string }) => hook.name === 'Bad')).toBe(false);
    const hook = await addWebhook('http://127.0.0.1:9/loopback-is-allowed');
    expect(
      (await admin.patch(`/api/admin/alerts/webhooks/${hook.id}`, { url: 'http://169.254.169.254/' })).statusCode,
    ).toBe(400);
    await admin.delete(`/api/admin/alerts/webhooks/${hook.id}`);
  });

  it('never lets the secret out in clear: not in answers, logs, the audit trail or the database', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const target = await receiver();
    const created = await admin.post('/api/admin/alerts/webhooks', { name: 'Canary', url: target.url, secret });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const replacement = `canary-${randomBytes(24).toString('hex')}`;
    const answers = [
      created.body,
      (await admin.get('/api/admin/alerts/webhooks')).body,
      (await admin.patch(`/api/admin/alerts/webhooks/${id}`, { secret: replacement, name: 'Canary 2' })).body,
      (await admin.get('/api/admin/alerts/webhooks')).body,
    ];
    expect(created.json().secretMask).toBe('••••••••');
    await raise();
    await test.app.alerts.deliverDue();
    answers.push((await admin.get('/api/admin/alerts/deliveries')).body);
    const [audit] = (
      (await test.app.database.db.execute(
        sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'alert_settings.changed' AND target_id = ${id}`,
      )) as unknown as { rows: Array<{ n: number }> }
    ).rows;
    expect(audit?.n).toBe(2);
    const dump = await test.dump();
    const logs = test.logs.join('\n');
    for (const canary of [secret, replacement, secret.slice(6)]) {
      for (const [encoding, form] of Object.entries(keyEncodings(canary))) {
        for (const answer of answers) expect(answer.includes(form), `answer holds ${encoding}`).toBe(false);
        expect(logs.includes(form), `logs hold ${encoding}`).toBe(false);
        expect(dump.includes(form), `database holds ${encoding}`).toBe(false);
      }
    }
    // The stored ciphertext opens for this webhook only.
    const sealed = await test.app.alerts.settings.sealed.list();
    expect(sealed.find((entry) => entry.id === id)?.ciphertext.startsWith('wbx1:')).toBe(true);
    await admin.delete(`/api/admin/alerts/webhooks/${id}`);
  });

  it('re-seals the secret under the new master key when the vault rotates', async () => {
    const hook = await addWebhook('http://127.0.0.1:9/rotated', 'the-secret-to-re-seal-0123456789');
    const keyring = buildKeyring({
      masterKeys: `${keyIdFor(Buffer.from(TEST_MASTER_KEY, 'base64'))}:${TEST_MASTER_KEY},new:${randomBytes(32).toString('base64')}`,
      activeKeyId: 'new',
    });
    const sealed = test.app.alerts.settings.sealed;
    await rotateVault({ keyring, store: createKeyStore(test.app.database.db), sealed: [sealed] });
    const row = (await sealed.list()).find((entry) => entry.id === hook.id);
    if (!row) throw new Error('the webhook is not listed');
    expect(sealedKeyId(row.ciphertext)).toBe('new');
    expect(open(keyring, row.ciphertext, row.place)).toBe('the-secret-to-re-seal-0123456789');
    await admin.delete(`/api/admin/alerts/webhooks/${hook.id}`);
  });

  it('refuses the admin routes to users (403) and to visitors (401)', async () => {
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/admin/alerts/webhooks'],
      [
        'POST',
        '/api/admin/alerts/webhooks',
        { name: 'x', url: 'http://127.0.0.1/', secret: 'a-secret-of-enough-length' },
      ],
      ['PATCH', `/api/admin/alerts/webhooks/${randomUUID()}`, { name: 'x' }],
      ['DELETE', `/api/admin/alerts/webhooks/${randomUUID()}`],
      ['POST', '/api/admin/alerts/test', { channel: 'app' }],
      ['GET', '/api/admin/alerts/deliveries'],
    ];
    for (const [method, url, payload] of routes) {
      const asUser = await user.request({ method: method as 'GET', url, payload: payload as object });
      expect(asUser.statusCode, `${method} ${url}`).toBe(403);
      const asNobody = await anonymous(test.app).request({ method: method as 'GET', url, payload: payload as object });
      expect(asNobody.statusCode, `${method} ${url}`).toBe(401);
    }
    expect((await anonymous(test.app).get('/api/alerts')).statusCode).toBe(401);
  });
});
