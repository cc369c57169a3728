// axe-core on every page of the web app, in French, light and dark: 0 serious or critical
// violations (issue 14). Each page is checked once it has loaded its data (its heading is shown).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { expectAccessible } from './accessibility.ts';
import { launchBrowser, signUpInBrowser } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

let browser: Browser;
let server: E2eServer;

beforeAll(async () => {
  browser = await launchBrowser();
});

// A fresh server per attempt: a retry starts from the first sign-up (the first account is admin).
beforeEach(async () => {
  await server?.close();
  server = await startE2eServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('accessibility', () => {
  it('every page, signed out and as the admin, has no serious or critical axe violation', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${server.baseUrl}/sign-in`);
    await page.getByRole('button', { name: fr.auth.signIn }).waitFor();
    await expectAccessible(page, '/sign-in');
    await page.goto(`${server.baseUrl}/sign-up`);
    await page.getByRole('button', { name: fr.auth.signUp }).waitFor();
    await expectAccessible(page, '/sign-up');
    // Pages reached from an e-mail or a link: a link without its token shows what to do instead.
    for (const path of ['/forgot-password', '/reset-password', '/invitation']) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, path);
    }
    await signUpInBrowser(page, server.baseUrl, fr, 'Ada Admin', 'ada@example.com');
    await expectAccessible(page, '/ (chat)');
    const pages = ['/profile', '/usage', '/admin/usage', '/admin/users', '/admin/plans'];
    pages.push('/admin/models', '/admin/groups', '/admin/invitations', '/admin/sso');
    for (const path of pages) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, path);
    }
    // Admin › Consommation's display section (currency, rate, time zone), loaded after the page.
    await page.goto(`${server.baseUrl}/admin/usage`);
    await page.getByRole('region', { name: fr.display.title }).getByLabel(fr.display.timeZone).waitFor();
    await page.getByRole('region', { name: fr.display.title }).getByLabel(fr.display.currency).fill('EUR');
    await page.getByRole('region', { name: fr.display.title }).getByRole('button', { name: fr.display.save }).click();
    await page.getByRole('alert').waitFor();
    await expectAccessible(page, '/admin/usage (affichage : devise et fuseau horaire)');
    await context.close();
  });
});
