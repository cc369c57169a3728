// The journal in a real browser: an admin sees their own sign-up recorded, filters Admin › Journal
// by the "Keys" group (the filter goes to the address) and sees the key's row in words and not the
// token's; then, in English, the
// same by Audit log; and the profile tells the user's own events as sentences.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { launchBrowser, signUpInBrowser } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

let browser: Browser;
let server: E2eServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startE2eServer()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const idOf = async (page: Page) =>
  ((await (await page.request.get(`${server.baseUrl}/api/me`)).json()) as { id: string }).id;

async function filterByKeys(page: Page, texts: typeof en) {
  await page.goto(`${server.baseUrl}/admin/audit`);
  await page.getByRole('heading', { level: 1, name: texts.audit.title }).waitFor();
  // The two rows written below, and the one the sign-up itself recorded.
  await expect.poll(() => page.getByTestId('audit-row').count(), { timeout: 20_000 }).toBe(3);
  await page.getByRole('cell', { name: texts.audit.actions.account_created }).waitFor();
  await page.getByRole('cell', { name: texts.audit.actions.token_created }).waitFor();
  await page.getByLabel(texts.audit.action, { exact: true }).selectOption('key.');
  await page.getByRole('button', { name: texts.audit.apply, exact: true }).click();
  await expect.poll(() => page.getByTestId('audit-row').count(), { timeout: 20_000 }).toBe(1);
  expect(new URL(page.url()).searchParams.get('action')).toBe('key.');
  await page.getByRole('cell', { name: texts.audit.actions.key_personal_replaced }).waitFor();
  await page.getByRole('cell', { name: /192\.0\.2\.4/ }).waitFor();
  expect(await page.getByRole('cell', { name: texts.audit.actions.token_created }).count()).toBe(0);
}

describe('audit log', () => {
  it('an admin filters the journal by keys, in French and in English; the profile lists the events', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await signUpInBrowser(page, server.baseUrl, fr, 'Ada Admin', 'ada@example.com');
    const adaId = await idOf(page);
    const actor = { userId: adaId, email: 'ada@example.com', ip: '192.0.2.4', userAgent: 'Mozilla/5.0 Firefox/133.0' };
    await server.app.audit.recordNow({
      action: 'key.personal.replaced',
      actor,
      subjectUserId: adaId,
      target: { kind: 'provider_key', id: 'anthropic' },
      details: { provider: 'anthropic' },
    });
    await server.app.audit.recordNow({
      action: 'token.created',
      actor,
      subjectUserId: adaId,
      target: { kind: 'access_token', id: 'tok-1' },
    });

    await page.getByRole('link', { name: fr.nav.adminAudit }).click();
    await filterByKeys(page, fr);

    await page.goto(`${server.baseUrl}/profile`);
    const events = page.getByRole('list', { name: fr.audit.mineList });
    await events.waitFor();
    await events.getByText(/^Votre clé Anthropic personnelle a été remplacée le .+ depuis 192\.0\.2\.4/).waitFor();

    await page.getByTestId('language-switcher').selectOption('en');
    await filterByKeys(page, en);
    await context.close();
  });
});
