// The bell in a real browser, in French: an alert raised for the admins shows as a count on the
// bell; the admin opens it, reads the alert in words, marks it read, and the count drops.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('the alerts bell', () => {
  it('shows the unread count, opens the list, and the count drops once an alert is read', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await signUpInBrowser(page, server.baseUrl, fr, 'Ada Admin', 'ada@example.com');
    for (const [onceKey, status] of [
      ['e2e-openai-401', 401],
      ['e2e-openai-403', 403],
    ] as const) {
      await server.app.alerts.raise({
        kind: 'global_key.rejected',
        onceKey,
        severity: 'critical',
        audience: 'admins',
        provider: 'openai',
        details: { status },
      });
    }
    // The bell reads its count when the page loads.
    await page.goto(`${server.baseUrl}/profile`);
    const bell = page.getByRole('link', { name: fr.alerts.bellUnread_other.replace('{{count}}', '2') });
    await bell.waitFor();
    expect(await page.getByTestId('alert-bell-count').textContent()).toBe('2');

    await bell.click();
    await page.getByRole('heading', { level: 1, name: fr.alerts.title }).waitFor();
    const items = page.getByTestId('alert-item');
    await expect.poll(() => items.count()).toBe(2);
    await items.first().getByText('Clé globale OpenAI refusée').waitFor();
    await items.first().getByText('(HTTP 403)', { exact: false }).waitFor();
    await screenshot(page, 'alerts-list');

    await items.first().getByRole('button', { name: fr.alerts.markRead }).click();
    await page.getByRole('link', { name: fr.alerts.bellUnread_one.replace('{{count}}', '1') }).waitFor();
    expect(await page.getByTestId('alert-bell-count').textContent()).toBe('1');
    expect(await page.getByTestId('alerts-unread').textContent()).toBe(
      fr.alerts.unreadCount_one.replace('{{count}}', '1'),
    );

    await page.getByRole('button', { name: fr.alerts.markAllRead }).click();
    await page.getByRole('link', { name: fr.alerts.bell, exact: true }).waitFor();
    expect(await page.getByTestId('alert-bell-count').count()).toBe(0);
    await context.close();
  });
});
