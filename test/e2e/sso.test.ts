// Single sign-on and two-factor in a real browser: a French user signs in through the test OpenID
// Connect provider (oidc-provider, test/helpers/oidc.ts) with the sign-in page's button; an English
// admin turns on "require two-factor for all administrators", is sent to set it up at the next
// sign-in, scans (reads) the otpauth URI, keeps the recovery codes, and is asked the code at the
// sign-in after. Screenshots of the new pages in light and dark go to test/e2e/artifacts/.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc.ts';
import { freePort } from '../helpers/server-process.ts';
import { totpCode } from '../helpers/totp.ts';
import { launchBrowser, screenshot } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

const PASSWORD = 'correct horse battery staple';

const fill = (text: string, values: Record<string, string> = {}) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');

let browser: Browser;
let server: E2eServer | undefined;
let provider: TestOidcProvider | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  await server?.close();
  await provider?.close();
  server = undefined;
  provider = undefined;
});

async function newPage(locale: string, colorScheme: 'light' | 'dark' = 'light') {
  const context = await browser.newContext({ locale, colorScheme, viewport: { width: 1280, height: 860 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

/** The first account (the admin), made over HTTP. */
async function signUpAdmin(target: E2eServer, email: string) {
  const response = await target.app.inject({
    method: 'POST',
    url: '/api/auth/sign-up/email',
    headers: { origin: target.baseUrl },
    payload: { name: 'Alex Admin', email, password: PASSWORD },
  });
  expect(response.statusCode).toBe(200);
}

async function signInWithPassword(page: Page, baseUrl: string, t: typeof en, email: string) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel(t.auth.email).fill(email);
  await page.getByLabel(t.auth.password, { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: t.auth.signIn, exact: true }).click();
}

describe('single sign-on in French', () => {
  it('signs a new user in with the sign-in page’s button, through the identity provider', async () => {
    const port = await freePort();
    provider = await startOidcProvider({ redirectUris: [`http://127.0.0.1:${port}/api/auth/callback/oidc`] });
    server = await startE2eServer({
      port,
      env: {
        WEBOX_OIDC_ISSUER: provider.issuer,
        WEBOX_OIDC_CLIENT_ID: provider.clientId,
        WEBOX_OIDC_CLIENT_SECRET: provider.clientSecret,
        WEBOX_OIDC_NAME: 'ENT du lycée',
      },
    });
    await signUpAdmin(server, 'admin-fr@example.com');
    provider.next = { sub: 'eleve-1', email: 'camille@lycee.example', emailVerified: true, name: 'Camille Martin' };

    for (const scheme of ['light', 'dark'] as const) {
      const page = await newPage('fr-FR', scheme);
      await page.goto(`${server.baseUrl}/sign-in`);
      const button = page.getByRole('button', { name: fill(fr.auth.sso.button, { name: 'ENT du lycée' }) });
      await button.waitFor();
      await screenshot(page, `fr-sso-sign-in-${scheme}`);
      if (scheme === 'dark') continue;
      await button.click();
      // Through the provider and back: the chat, signed in as the provider's user.
      await page.getByRole('heading', { name: fr.chat.emptyTitle }).waitFor();
      expect(page.url().startsWith(server.baseUrl)).toBe(true);
      await page.getByRole('link', { name: fr.nav.profile }).click();
      await page.getByText('camille@lycee.example').waitFor();
      await page.getByText('Camille Martin').first().waitFor();
    }
  });

  it('comes back to the sign-in page with the reason when the e-mail is not verified', async () => {
    const port = await freePort();
    provider = await startOidcProvider({ redirectUris: [`http://127.0.0.1:${port}/api/auth/callback/oidc`] });
    server = await startE2eServer({
      port,
      env: {
        WEBOX_OIDC_ISSUER: provider.issuer,
        WEBOX_OIDC_CLIENT_ID: provider.clientId,
        WEBOX_OIDC_CLIENT_SECRET: provider.clientSecret,
        WEBOX_OIDC_NAME: 'ENT',
      },
    });
    await signUpAdmin(server, 'admin-fr2@example.com');
    provider.next = { sub: 'eleve-2', email: 'dominique@lycee.example', emailVerified: false };
    const page = await newPage('fr-FR');
    await page.goto(`${server.baseUrl}/sign-in`);
    await page.getByRole('button', { name: fill(fr.auth.sso.button, { name: 'ENT' }) }).click();
    await page.getByRole('alert').filter({ hasText: fr.auth.errors.ssoEmailUnverified }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});

describe('two-factor for admins in English', () => {
  it('is required at the next sign-in once an admin demands it, then asked at every sign-in', async () => {
    server = await startE2eServer();
    const email = 'admin-en@example.com';
    await signUpAdmin(server, email);
    const t = en;
    const page = await newPage('en-US');

    // 1. The admin turns the rule on in Admin › Sign-in.
    await signInWithPassword(page, server.baseUrl, t, email);
    await page.getByRole('link', { name: t.nav.adminSso }).click();
    await page.getByRole('heading', { name: t.adminSso.title, level: 1 }).waitFor();
    await screenshot(page, 'en-admin-sso-light');
    await page.getByLabel(t.adminSso.requireAdminTwoFactor).check();
    await page.getByRole('button', { name: t.common.save }).click();
    await page.getByRole('status').filter({ hasText: t.adminSso.saved }).waitFor();

    // 2. At the next sign-in the admin is sent to set it up; admin pages are held until done.
    await page.getByRole('button', { name: t.nav.signOut }).click();
    await page.getByRole('heading', { name: t.auth.signInTitle }).waitFor();
    await signInWithPassword(page, server.baseUrl, t, email);
    await page.getByText(t.twoFactor.requiredNotice).waitFor();
    expect(new URL(page.url()).pathname).toBe('/profile');
    await page.goto(`${server.baseUrl}/admin/users`);
    await page.getByText(t.twoFactor.requiredNotice).waitFor();
    expect(new URL(page.url()).pathname).toBe('/profile');

    // 3. Set-up: the password, the QR code (its URI read as an app would), a code, the recovery codes.
    await page.getByLabel(t.auth.password, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t.twoFactor.start }).click();
    await page.getByRole('img', { name: t.twoFactor.qrAlt }).waitFor();
    await screenshot(page, 'en-two-factor-setup-light');
    await page.getByText(t.twoFactor.manual).click();
    const uri = (await page.getByTestId('otpauth-uri').textContent()) ?? '';
    expect(uri.startsWith('otpauth://totp/')).toBe(true);
    await page.getByLabel(t.auth.twoFactor.code).fill(totpCode(uri));
    await page.getByRole('button', { name: t.twoFactor.confirm }).click();
    await page.getByRole('heading', { name: t.twoFactor.recoveryTitle }).waitFor();
    const codes = await page
      .getByRole('list', { name: t.twoFactor.recoveryTitle })
      .getByRole('listitem')
      .allTextContents();
    expect(codes).toHaveLength(10);
    await page.getByRole('button', { name: t.twoFactor.recoveryDone }).click();
    await page.getByText(t.twoFactor.statusOn).waitFor();
    await page.getByRole('link', { name: t.nav.admin }).click();
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Users' }).waitFor();

    // 4. The next sign-in asks the code; a wrong one is refused in words, the right one opens.
    await page.getByRole('button', { name: t.nav.signOut }).click();
    await signInWithPassword(page, server.baseUrl, t, email);
    await page.getByRole('heading', { name: t.auth.twoFactor.title }).waitFor();
    await screenshot(page, 'en-two-factor-sign-in-light');
    const right = totpCode(uri);
    await page.getByLabel(t.auth.twoFactor.code).fill(right === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: t.auth.twoFactor.verify }).click();
    await page.getByRole('alert').filter({ hasText: t.auth.errors.invalidCode }).waitFor();
    await page.getByLabel(t.auth.twoFactor.code).fill(totpCode(uri));
    await page.getByRole('button', { name: t.auth.twoFactor.verify }).click();
    await page.getByRole('link', { name: t.nav.adminSso }).waitFor();

    // The new pages in dark too.
    const dark = await newPage('en-US', 'dark');
    await dark.context().addCookies(await page.context().cookies());
    for (const [path, name] of [
      ['/admin/sso', 'en-admin-sso-dark'],
      ['/profile', 'en-two-factor-profile-dark'],
    ] as const) {
      await dark.goto(`${server.baseUrl}${path}`);
      await dark.getByRole('heading', { level: 1 }).waitFor();
      await screenshot(dark, name);
    }
  });
});
