// The usage dashboards in a real browser: a user's "My usage" / "Ma consommation" and the admin's
// per-user view, showing the same figures as the ledger, in English and in French.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/web/format.ts';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { makeKey } from '../helpers/keys.ts';
import { launchBrowser, screenshot, signUpInBrowser } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

let browser: Browser;
let server: E2eServer;

const signUp = (page: Page, texts: typeof en, name: string, email: string) =>
  signUpInBrowser(page, server.baseUrl, texts, name, email);

async function chat(page: Page, provider: string, model: string) {
  const response = await page.request.post(`${server.baseUrl}/api/chat`, {
    headers: { origin: server.baseUrl },
    data: { provider, model, stream: false, messages: [{ role: 'user', content: 'How much does this cost?' }] },
  });
  expect(response.status()).toBe(200);
}

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startE2eServer()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('usage dashboards', () => {
  it('shows each user their usage and the admin who spent what', async () => {
    const adminContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    admin.setDefaultTimeout(30_000);
    await signUp(admin, en, 'Ada Admin', 'ada@example.com');
    for (const provider of ['openai', 'anthropic'] as const) {
      const saved = await admin.request.put(`${server.baseUrl}/api/admin/keys/${provider}`, {
        headers: { origin: server.baseUrl },
        data: { apiKey: makeKey[provider]() },
      });
      expect(saved.status()).toBe(200);
    }

    const userContext = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const user = await userContext.newPage();
    user.setDefaultTimeout(30_000);
    await signUp(user, fr, 'Camille', 'camille@example.com');
    await chat(user, 'openai', 'gpt-4o-mini');
    await chat(user, 'anthropic', 'claude-sonnet-4-5');
    await chat(admin, 'openai', 'gpt-4o-mini');
    await server.app.metering.ledger.flush();

    // The user's page, in French.
    await user.goto(`${server.baseUrl}/usage`);
    await user.getByRole('heading', { name: fr.usage.title }).waitFor();
    const mine = (await (await user.request.get(`${server.baseUrl}/api/usage`)).json()) as {
      totals: { costMicrousd: number; requests: number };
    };
    expect(mine.totals.requests).toBe(2);
    const frenchCost = formatMoney(mine.totals.costMicrousd, 'fr-FR');
    await user.getByText(frenchCost, { exact: true }).first().waitFor();
    await user.getByRole('heading', { name: fr.usage.costOverTime }).waitFor();
    await user.getByRole('cell', { name: /Anthropic · Claude Sonnet 4.5/ }).waitFor();
    await screenshot(user, 'fr-12-my-usage');
    // Not for users: the admin dashboard.
    await user.goto(`${server.baseUrl}/admin/usage`);
    await user.getByRole('heading', { name: fr.usage.adminTitle }).waitFor({ state: 'detached' });

    // The admin's dashboard, in English: who spent what on the global keys.
    await admin.goto(`${server.baseUrl}/admin/usage`);
    await admin.getByRole('heading', { name: en.usage.adminTitle }).waitFor();
    await admin.getByRole('heading', { name: en.usage.byUser }).waitFor();
    const all = (await (await admin.request.get(`${server.baseUrl}/api/admin/usage?groupBy=user`)).json()) as {
      series: Array<{ email: string; globalCostMicrousd: number }>;
    };
    expect(all.series[0]?.email).toBe('camille@example.com');
    const camilleRow = admin.getByRole('row', { name: /camille@example.com/ });
    await camilleRow
      .getByText(formatMoney(all.series[0]?.globalCostMicrousd ?? -1, 'en-US'), { exact: true })
      .waitFor();
    await screenshot(admin, 'en-13-admin-usage');

    // The CSV link exports the same table.
    const csv = await admin.request.get(
      `${server.baseUrl}${await admin.getByRole('link', { name: en.usage.exportCsv }).nth(1).getAttribute('href')}`,
    );
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain('camille@example.com');
    await adminContext.close();
    await userContext.close();
  });
});
