// Models on the global keys in a real browser, in French: the admin offers two models in
// Admin › Modèles (searching the catalogue, none per provider, then ticking) and makes one the
// default; a user's picker then lists only those two, starts on the default, and the chat runs on
// it. The new page is captured light and dark.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { defaultReplyFor } from '../fakes/reply-text.ts';
import { makeKey } from '../helpers/keys.ts';
import { launchBrowser, screenshot, signUpInBrowser } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

let browser: Browser;
let server: E2eServer;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startE2eServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('models offered on the global keys', () => {
  it('the admin offers two models and a default; a user’s picker shows only those and starts on the default', async () => {
    const adminContext = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    admin.setDefaultTimeout(30_000);
    await signUpInBrowser(admin, server.baseUrl, fr, 'Ada Admin', 'ada@example.com');
    const saved = await admin.request.put(`${server.baseUrl}/api/admin/keys/openai`, {
      headers: { origin: server.baseUrl },
      data: { apiKey: makeKey.openai() },
    });
    expect(saved.status()).toBe(200);

    await admin.getByRole('link', { name: fr.nav.adminModels }).click();
    await admin.getByRole('heading', { name: fr.adminModels.title, level: 1 }).waitFor();
    await admin.getByRole('radio', { name: fr.adminModels.list }).check();
    const noneButtons = admin.getByRole('button', { name: /^Aucun modèle / });
    const providers = await noneButtons.count();
    expect(providers).toBe(5);
    for (let index = 0; index < providers; index += 1) await noneButtons.nth(index).click();
    await admin.getByText(fr.adminModels.count.replace('{{count}}', '0').replace('{{total}}', '26')).waitFor();
    await admin.getByLabel(fr.adminModels.search).fill('mini');
    await admin.getByRole('checkbox', { name: 'Proposer GPT-5 mini', exact: true }).check();
    await admin.getByRole('checkbox', { name: 'Proposer GPT-4o mini', exact: true }).check();
    await admin.getByLabel(fr.adminModels.search).fill('');
    await admin.getByLabel(fr.adminModels.defaultLabel).selectOption('openai/gpt-4o-mini');
    await admin.getByRole('button', { name: fr.adminModels.save }).click();
    await admin.getByText(fr.adminModels.saved).waitFor();
    await screenshot(admin, 'fr-30-admin-models');
    const stored = (await (await admin.request.get(`${server.baseUrl}/api/admin/models`)).json()) as {
      offered: string[];
      defaultModel: string;
    };
    expect(stored).toMatchObject({
      offered: ['openai/gpt-5-mini', 'openai/gpt-4o-mini'],
      defaultModel: 'openai/gpt-4o-mini',
    });

    // The same page in the dark theme.
    const darkContext = await browser.newContext({
      locale: 'fr-FR',
      colorScheme: 'dark',
      viewport: { width: 1280, height: 900 },
      storageState: await adminContext.storageState(),
    });
    const dark = await darkContext.newPage();
    await dark.goto(`${server.baseUrl}/admin/models`);
    await dark.getByRole('heading', { name: fr.adminModels.title, level: 1 }).waitFor();
    await dark.getByRole('checkbox', { name: 'Proposer GPT-5 mini', exact: true }).waitFor();
    await screenshot(dark, 'fr-31-admin-models-dark');
    await darkContext.close();

    // A user: the picker starts on the default and lists only the two offered models.
    const userContext = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const user = await userContext.newPage();
    user.setDefaultTimeout(30_000);
    await signUpInBrowser(user, server.baseUrl, fr, 'Camille', 'camille@example.com');
    const picker = user.getByRole('combobox', { name: fr.chat.model });
    await expect.poll(() => picker.inputValue()).toBe('GPT-4o mini · OpenAI');
    await picker.click();
    const listbox = user.getByRole('listbox', { name: fr.chat.model });
    await listbox.getByRole('option').first().waitFor();
    const names = await listbox.locator('.model-option-name').allTextContents();
    expect(names.map((name) => name.replace(/\s*€+.*$/, ''))).toEqual(['GPT-5 mini', 'GPT-4o mini']);
    await screenshot(user, 'fr-32-model-picker');
    await picker.press('Escape');

    await user.getByLabel(fr.chat.messageLabel).fill('Bonjour !');
    await user.getByRole('button', { name: fr.chat.send }).click();
    await user
      .getByTestId('message-assistant')
      .filter({ hasText: defaultReplyFor('openai') })
      .waitFor();
    const sent = server.fakes.byProvider.openai.requests.filter((request) => request.path.endsWith('/completions'));
    expect(sent.map((request) => (request.body as { model?: string }).model)).toEqual(['gpt-4o-mini']);
    await userContext.close();
    await adminContext.close();
  });
});
