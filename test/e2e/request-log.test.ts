// The request log in a real browser: an admin opens it filtered from a user's row in Admin ›
// Users (in French, then another admin in English), narrows it to failed requests through the
// form (the filters go to the address), and pages; a user opens their failed requests from the
// usage page's failed count.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src/server/metering/usage-row.ts';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { launchBrowser, screenshot, signUpInBrowser } from './browser.ts';
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

let counter = 0;
const record = (userId: string, minutesAgo: number, failed = false): UsageRecord => ({
  requestId: `e2e-log-${++counter}`,
  userId,
  endpoint: 'chat',
  provider: 'openai',
  model: 'gpt-4o-mini',
  keySource: 'global',
  tokens: failed ? null : { inputTokens: 120, outputTokens: 40, cachedInputTokens: 0 },
  status: failed ? 502 : 200,
  errorCode: failed ? 'provider_error' : null,
  latencyMs: 250,
  at: new Date(Date.now() - minutesAgo * 60_000),
});

async function openFromUsersRow(page: Page, texts: typeof en, name: string, userId: string) {
  await page.goto(`${server.baseUrl}/admin/users`);
  await page.getByRole('link', { name: texts.requests.ofUserFor.replace('{{name}}', name) }).click();
  await page.getByRole('heading', { level: 1, name: texts.requests.adminTitle }).waitFor();
  expect(new URL(page.url()).searchParams.get('user')).toBe(userId);
  await expect.poll(() => page.getByTestId('request-row').count(), { timeout: 20_000 }).toBe(4);
  await expect(page.getByLabel(texts.requests.user).inputValue()).resolves.toBe(userId);
  // Failed only, through the form: the address says so too (the link can be shared).
  await page.getByLabel(texts.requests.status).selectOption('failed');
  await page.getByRole('button', { name: texts.requests.apply, exact: true }).click();
  await expect.poll(() => page.getByTestId('request-row').count(), { timeout: 20_000 }).toBe(1);
  expect(new URL(page.url()).searchParams.get('status')).toBe('failed');
  await page.getByRole('cell', { name: /provider_error/ }).waitFor();
}

describe('request log', () => {
  it('opens filtered from a user row, in French and in English, and from the failed count', async () => {
    const frContext = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const ada = await frContext.newPage();
    ada.setDefaultTimeout(30_000);
    await signUpInBrowser(ada, server.baseUrl, fr, 'Ada Admin', 'ada@example.com');

    const userContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const camille = await userContext.newPage();
    camille.setDefaultTimeout(30_000);
    await signUpInBrowser(camille, server.baseUrl, en, 'Camille', 'camille@example.com');
    const camilleId = await idOf(camille);

    const enContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const bob = await enContext.newPage();
    bob.setDefaultTimeout(30_000);
    await signUpInBrowser(bob, server.baseUrl, en, 'Bob Admin', 'bob@example.com');
    const promoted = await ada.request.patch(`${server.baseUrl}/api/admin/users/${await idOf(bob)}`, {
      headers: { origin: server.baseUrl },
      data: { role: 'admin' },
    });
    expect(promoted.status()).toBe(200);

    await server.app.metering.ledger.writeNow([
      record(camilleId, 30),
      record(camilleId, 20),
      record(camilleId, 10, true),
      record(camilleId, 5),
      record(await idOf(ada), 3),
    ]);

    await openFromUsersRow(ada, fr, 'Camille', camilleId);
    await screenshot(ada, 'fr-requests-filtered');
    await openFromUsersRow(bob, en, 'Camille', camilleId);
    await screenshot(bob, 'en-requests-filtered');

    // Everyone's requests, in English: Ada's row too, with its user.
    await bob.goto(`${server.baseUrl}/admin/requests`);
    await expect.poll(() => bob.getByTestId('request-row').count(), { timeout: 20_000 }).toBe(5);
    await bob.getByRole('cell', { name: /Ada Admin/ }).waitFor();

    // The user's usage page: the failed count opens their failed requests.
    await camille.goto(`${server.baseUrl}/usage`);
    await camille.getByTestId('failed-requests-link').click();
    await camille.getByRole('heading', { level: 1, name: en.requests.title }).waitFor();
    expect(new URL(camille.url()).searchParams.get('status')).toBe('failed');
    await expect.poll(() => camille.getByTestId('request-row').count(), { timeout: 20_000 }).toBe(1);
    // Not for users: the admin's log.
    await camille.goto(`${server.baseUrl}/admin/requests`);
    await camille.getByRole('heading', { level: 1, name: en.requests.adminTitle }).waitFor({ state: 'detached' });

    await Promise.all([frContext.close(), userContext.close(), enContext.close()]);
  });
});
