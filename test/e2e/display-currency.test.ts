// Euros with the admin's rate, in a real browser: the admin (in French) sets EUR at 1.08 dollars in
// Admin › Consommation's display section; the usage pages and a budget then show euros, in French
// for the admin and in English for a user.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/web/format.ts';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { makeKey } from '../helpers/keys.ts';
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

const EUROS = { currency: 'eur', usdPerUnit: 1.08 };
const spaces = (text: string) => text.replace(/\s/g, ' ');

describe('the display currency', () => {
  it('the admin sets EUR at a rate; the usage pages and a budget show euros, in French and in English', async () => {
    const adminContext = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    admin.setDefaultTimeout(30_000);
    await signUpInBrowser(admin, server.baseUrl, fr, 'Ada Admin', 'ada@example.com');
    const headers = { origin: server.baseUrl };
    expect(
      (
        await admin.request.put(`${server.baseUrl}/api/admin/keys/openai`, {
          headers,
          data: { apiKey: makeKey.openai() },
        })
      ).status(),
    ).toBe(200);
    // A daily budget of $5.40 on the global keys: €5.00 at 1.08.
    const none = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };
    expect(
      (
        await admin.request.put(`${server.baseUrl}/api/admin/limits/default`, {
          headers,
          data: { global: { ...none, dayMicrousd: 5_400_000 }, personal: none },
        })
      ).status(),
    ).toBe(200);

    const userContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const user = await userContext.newPage();
    user.setDefaultTimeout(30_000);
    await signUpInBrowser(user, server.baseUrl, en, 'Camille', 'camille@example.com');
    const chat = await user.request.post(`${server.baseUrl}/api/chat`, {
      headers,
      data: {
        provider: 'openai',
        model: 'gpt-4o-mini',
        stream: false,
        messages: [{ role: 'user', content: 'How much in euros?' }],
      },
    });
    expect(chat.status()).toBe(200);
    await server.app.metering.ledger.flush();

    // The admin chooses euros in Admin › Consommation.
    await admin.goto(`${server.baseUrl}/admin/usage`);
    const section = admin.getByRole('region', { name: fr.display.title });
    await section.waitFor();
    await section.getByLabel(fr.display.currency).fill('EUR');
    await section.getByLabel(fr.display.rate.replace('{{currency}}', 'EUR')).fill('1,08');
    await section.getByLabel(fr.display.timeZone).selectOption('Europe/Paris');
    await section.getByRole('button', { name: fr.display.save }).click();
    await section.getByText(fr.display.saved).waitFor();
    const display = await (await admin.request.get(`${server.baseUrl}/api/settings/display`)).json();
    expect(display).toMatchObject({
      currency: 'eur',
      rate: { usdPerUnit: 1.08 },
      timeZone: 'Europe/Paris',
      timeZoneChosen: true,
    });

    // The admin's dashboard writes the total in euros at once.
    const everyone = await (await admin.request.get(`${server.baseUrl}/api/admin/usage`)).json();
    const adminTotal = spaces(formatMoney(everyone.totals.costMicrousd, 'fr-FR', EUROS));
    expect(adminTotal).toContain('€');
    // French puts a narrow no-break space before €: matched as any space.
    const flexible = adminTotal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll(' ', '\\s');
    await admin
      .getByText(new RegExp(`^${flexible}$`))
      .first()
      .waitFor();
    await screenshot(admin, 'fr-30-display-currency');

    // The user's page in English: their cost and their budget in euros.
    await user.goto(`${server.baseUrl}/usage`);
    await user.getByRole('heading', { name: en.usage.title }).waitFor();
    const mine = await (await user.request.get(`${server.baseUrl}/api/usage`)).json();
    await user
      .getByText(formatMoney(mine.totals.costMicrousd, 'en-US', EUROS), { exact: true })
      .first()
      .waitFor();
    await user
      .getByText(/€5\.00/)
      .first()
      .waitFor();
    expect(await user.getByText(/\$5\.40/).count()).toBe(0);
    await user
      .getByText(/Europe\/Paris/)
      .first()
      .waitFor();
    await screenshot(user, 'en-31-usage-in-euros');

    await adminContext.close();
    await userContext.close();
  });
});
