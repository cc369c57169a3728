// axe-core on every page of the web app, in French, light and dark: 0 serious or critical
// violations (issue 14). Each page is checked once it has loaded its data (its heading is shown).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { makeKey } from '../helpers/keys.ts';
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
    // The first run's UI: the checklist and the banner are above every admin page (checked above);
    // the dialog that confirms a global key's deletion, open.
    const saved = await page.request.put(`${server.baseUrl}/api/admin/keys/openai`, {
      headers: { origin: server.baseUrl },
      data: { apiKey: makeKey.openai() },
    });
    expect(saved.status()).toBe(200);
    await page.goto(`${server.baseUrl}/profile`);
    await page.getByRole('button', { name: 'Supprimer la clé OpenAI globale' }).click();
    await page.getByRole('alertdialog').waitFor();
    await expectAccessible(page, 'the global key deletion dialog');
    await page.keyboard.press('Escape');
    await context.close();

    // The sign-in page opened at another address than WEBOX_PUBLIC_URL, with its notice.
    const elsewhere = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const signIn = await elsewhere.newPage();
    await signIn.goto(server.baseUrl.replace('127.0.0.1', 'localhost') + '/sign-in');
    await signIn.getByTestId('origin-notice').waitFor();
    await expectAccessible(signIn, '/sign-in at another address');
    await elsewhere.close();
  });
});
