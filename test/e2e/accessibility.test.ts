// axe-core on every page of the web app, in French, light and dark: 0 serious or critical
// violations (issue 14). Each page is checked once it has loaded its data (its heading is shown);
// "Mon groupe" as a group admin with members, Admin › Users with a row's password reset open, and
// the two-factor set-up in its two states (the QR code to scan, then the recovery codes).
import { describe, expect, it } from 'vitest';
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { makeKey } from '../helpers/keys.ts';
import { totpCode } from '../helpers/totp.ts';
import { expectAccessible } from './accessibility.ts';
import { signUpInBrowser } from './browser.ts';
import { browserAndFreshServer } from './server.ts';

// A fresh server per attempt: a retry starts from the first sign-up (the first account is admin).
const e2e = browserAndFreshServer();

describe('accessibility', () => {
  it('every page, signed out and as the admin, has no serious or critical axe violation', async () => {
    const context = await e2e.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${e2e.server.baseUrl}/sign-in`);
    await page.getByRole('button', { name: fr.auth.signIn }).waitFor();
    await expectAccessible(page, '/sign-in');
    await page.goto(`${e2e.server.baseUrl}/sign-up`);
    await page.getByRole('button', { name: fr.auth.signUp }).waitFor();
    await expectAccessible(page, '/sign-up');
    // Pages reached from an e-mail or a link: a link without its token shows what to do instead.
    for (const path of ['/forgot-password', '/reset-password', '/invitation']) {
      await page.goto(`${e2e.server.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, path);
    }
    await signUpInBrowser(page, e2e.server.baseUrl, fr, 'Ada Admin', 'ada@example.com');
    await expectAccessible(page, '/ (chat)');
    const pages = ['/profile', '/usage', '/admin/usage', '/admin/users', '/admin/plans'];
    pages.push(
      '/admin/models',
      '/admin/groups',
      '/admin/invitations',
      '/admin/sso',
      '/requests',
      '/admin/requests',
      '/admin/audit',
    );
    pages.push('/alerts', '/admin/alerts');
    for (const path of pages) {
      await page.goto(`${e2e.server.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, path);
    }
    // Admin › Consommation's display section (currency, rate, time zone), loaded after the page.
    await page.goto(`${e2e.server.baseUrl}/admin/usage`);
    await page.getByRole('region', { name: fr.display.title }).getByLabel(fr.display.timeZone).waitFor();
    await page.getByRole('region', { name: fr.display.title }).getByLabel(fr.display.currency).fill('EUR');
    await page.getByRole('region', { name: fr.display.title }).getByRole('button', { name: fr.display.save }).click();
    await page.getByRole('alert').waitFor();
    await expectAccessible(page, '/admin/usage (affichage : devise et fuseau horaire)');
    // The first run's UI: the checklist and the banner are above every admin page (checked above);
    // the dialog that confirms a global key's deletion, open.
    const saved = await page.request.put(`${e2e.server.baseUrl}/api/admin/keys/openai`, {
      headers: { origin: e2e.server.baseUrl },
      data: { apiKey: makeKey.openai() },
    });
    expect(saved.status()).toBe(200);
    await page.goto(`${e2e.server.baseUrl}/profile`);
    await page.getByRole('button', { name: 'Supprimer la clé OpenAI globale' }).click();
    await page.getByRole('alertdialog').waitFor();
    await expectAccessible(page, 'the global key deletion dialog');
    await page.keyboard.press('Escape');
    // The journal with rows, and the profile's security events with one.
    const adaId = ((await (await page.request.get(`${e2e.server.baseUrl}/api/me`)).json()) as { id: string }).id;
    await e2e.server.app.audit.recordNow({
      action: 'key.personal.replaced',
      actor: { userId: adaId, email: 'ada@example.com', ip: '192.0.2.4', userAgent: 'Mozilla/5.0 Firefox/133.0' },
      subjectUserId: adaId,
      target: { kind: 'provider_key', id: 'anthropic' },
      details: { provider: 'anthropic' },
    });
    await page.goto(`${e2e.server.baseUrl}/admin/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    await page.getByLabel(fr.audit.retentionDays).waitFor();
    await expectAccessible(page, '/admin/audit (with rows)');
    await page.goto(`${e2e.server.baseUrl}/profile`);
    await page.getByTestId('security-event').first().waitFor();
    await expectAccessible(page, '/profile (security events)');
    // The alerts list with an unread alert, and Admin › Alertes with a webhook and a failed delivery.
    const hook = await page.request.post(`${e2e.server.baseUrl}/api/admin/alerts/webhooks`, {
      headers: { origin: e2e.server.baseUrl },
      data: { name: 'Ops', url: 'http://127.0.0.1:9/closed', secret: 'a-secret-of-enough-length' },
    });
    expect(hook.status()).toBe(201);
    await e2e.server.app.alerts.raise({
      kind: 'operator_budget.threshold',
      onceKey: 'a11y-budget',
      severity: 'warning',
      audience: 'admins',
      details: { period: 'month', threshold: 80, spentMicrousd: 80_000_000, limitMicrousd: 100_000_000 },
    });
    // Its eight attempts fail (nothing listens on port 9): the delivery shows as failed.
    for (let attempt = 1; attempt <= 8; attempt++) {
      await e2e.server.app.alerts.deliverDue(new Date(Date.now() + attempt * 13 * 3_600_000));
    }
    await page.goto(`${e2e.server.baseUrl}/alerts`);
    await page.getByTestId('alert-item').first().waitFor();
    await page.waitForLoadState('networkidle');
    await expectAccessible(page, '/alerts (an unread alert)');
    await page.goto(`${e2e.server.baseUrl}/admin/alerts`);
    await page.getByTestId('deliveries').waitFor();
    await page.waitForLoadState('networkidle');
    await expectAccessible(page, '/admin/alerts (a webhook, deliveries)');
    await context.close();

    // The sign-in page opened at another address than WEBOX_PUBLIC_URL, with its notice.
    const elsewhere = await e2e.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const signIn = await elsewhere.newPage();
    await signIn.goto(`${e2e.server.baseUrl.replace('127.0.0.1', 'localhost')}/sign-in`);
    await signIn.getByTestId('origin-notice').waitFor();
    await expectAccessible(signIn, '/sign-in at another address');
    await elsewhere.close();
  });

  it('"Mon groupe" as a group admin, a password reset and the two-factor set-up have no serious or critical axe violation', async () => {
    const adminContext = await e2e.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    admin.setDefaultTimeout(30_000);
    await signUpInBrowser(admin, e2e.server.baseUrl, fr, 'Ada Admin', 'ada@example.com');
    const send = (method: 'post' | 'put', path: string, data: unknown) =>
      admin.request[method](`${e2e.server.baseUrl}${path}`, { headers: { origin: e2e.server.baseUrl }, data });
    const group = await send('post', '/api/admin/groups', { name: '3e B', description: 'Mme Martin, salle 12' });
    expect(group.status()).toBe(201);
    const groupId = ((await group.json()) as { id: string }).id;

    const groupAdminContext = await e2e.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const groupAdmin = await groupAdminContext.newPage();
    groupAdmin.setDefaultTimeout(30_000);
    for (const [name, email, role] of [
      ['Camille', 'camille@example.com', 'admin'],
      ['Léo', 'leo@example.com', 'member'],
    ] as const) {
      const context = role === 'admin' ? groupAdminContext : await e2e.browser.newContext({ locale: 'fr-FR' });
      const page = role === 'admin' ? groupAdmin : await context.newPage();
      await signUpInBrowser(page, e2e.server.baseUrl, fr, name, email);
      const id = ((await (await page.request.get(`${e2e.server.baseUrl}/api/me`)).json()) as { id: string }).id;
      expect((await send('put', `/api/admin/groups/${groupId}/members/${id}`, { role })).status()).toBe(200);
      if (context !== groupAdminContext) await context.close();
    }
    await groupAdmin.goto(`${e2e.server.baseUrl}/group`);
    await groupAdmin.getByRole('heading', { name: `${fr.nav.myGroup} · 3e B` }).waitFor();
    await groupAdmin.getByTestId('member-row').filter({ hasText: 'leo@example.com' }).waitFor();
    await groupAdmin.waitForLoadState('networkidle');
    await expectAccessible(groupAdmin, '/group');

    // Admin › Users with one row's password reset open (no SMTP here: the link shown to pass on).
    await admin.goto(`${e2e.server.baseUrl}/admin/users`);
    await admin.getByRole('button', { name: fr.admin.resetPasswordFor.replace('{{name}}', 'Léo') }).click();
    const resetPanel = admin.getByTestId('password-reset-panel');
    await resetPanel.getByRole('button', { name: fr.accounts.adminResetMakeLink }).click();
    await resetPanel.getByTestId('password-reset-result').filter({ hasText: '/reset-password#' }).waitFor();
    await expectAccessible(admin, '/admin/users (password reset)');

    // The admin's two-factor set-up: the QR code to scan, then the recovery codes.
    await admin.goto(`${e2e.server.baseUrl}/profile`);
    await admin.getByLabel(fr.auth.password, { exact: true }).fill('correct horse battery staple');
    await admin.getByRole('button', { name: fr.twoFactor.start }).click();
    await admin.getByRole('img', { name: fr.twoFactor.qrAlt }).waitFor();
    await admin.getByText(fr.twoFactor.manual).click();
    await expectAccessible(admin, '/profile (two-factor: QR code)');
    const uri = (await admin.getByTestId('otpauth-uri').textContent()) ?? '';
    await admin.getByLabel(fr.auth.twoFactor.code).fill(totpCode(uri));
    await admin.getByRole('button', { name: fr.twoFactor.confirm }).click();
    await admin.getByRole('heading', { name: fr.twoFactor.recoveryTitle }).waitFor();
    await expectAccessible(admin, '/profile (two-factor: recovery codes)');
    await groupAdminContext.close();
    await adminContext.close();
  });
});
