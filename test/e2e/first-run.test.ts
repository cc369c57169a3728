// The first run in a real browser, in French and in English: the banner while anyone can spend the
// keys, gone once sign-up is closed; the checklist walked through (a global key the provider
// refuses, saved anyway and said unchecked; the time zone proposed from the browser; a step
// skipped; the checklist put away); deleting a global key confirmed in a dialog naming the number
// of users it cuts off (Escape cancels).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { makeKey } from '../helpers/keys.ts';
import { expectAccessible } from './accessibility.ts';
import { launchBrowser, screenshot, signUpInBrowser } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

type Texts = typeof fr;

async function adminPage(server: E2eServer, texts: Texts, locale: string) {
  const context = await browser.newContext({
    locale,
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await signUpInBrowser(page, server.baseUrl, texts, 'Ada Admin', 'ada@example.com');
  return { context, page };
}

/** Another account, made by the admin: it has no personal key, so it lives on the global keys. */
async function addUser(page: Page, server: E2eServer, email: string) {
  const made = await page.request.post(`${server.baseUrl}/api/admin/users`, {
    headers: { origin: server.baseUrl },
    data: { name: email.split('@')[0], email, password: 'correct horse battery staple' },
  });
  expect(made.status()).toBe(201);
}

const step = (page: Page, id: string) => page.getByTestId(`first-run-${id}`);

describe('the first run, in French', () => {
  let server: E2eServer;
  beforeAll(async () => {
    server = await startE2eServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('walks the checklist: a refused key saved anyway, the count before a deletion, the banner gone', async () => {
    const { context, page } = await adminPage(server, fr, 'fr-FR');
    await addUser(page, server, 'bea@example.com');
    await page.getByRole('link', { name: fr.nav.admin }).click();
    const banner = page.getByTestId('open-to-anyone-banner');
    await banner.getByText(fr.firstRun.banner.title).waitFor();
    await page.getByRole('heading', { name: fr.firstRun.title }).waitFor();
    await expectAccessible(page, '/admin/users with the first run');
    await screenshot(page, 'fr-40-first-run');

    // Keys: the provider refuses this one; it is saved anyway, said unchecked, so the step is not done.
    const refused = makeKey.openai();
    server.fakes.byProvider.openai.rejectKeys.add(refused);
    await step(page, 'keys').getByRole('link', { name: fr.firstRun.go.keys }).click();
    await page.getByLabel('Clé OpenAI globale').fill(refused);
    await page.getByRole('button', { name: fr.profile.globalAdmin.saveAll }).click();
    const failure = page.getByTestId('global-key-failure-openai');
    await failure.getByText(/Raison donnée par le fournisseur/).waitFor();
    await failure.getByRole('button', { name: 'Enregistrer quand même (non vérifiée)' }).click();
    await page.getByTestId('global-unverified').getByText(fr.profile.globalAdmin.unverified).waitFor();
    const keys = (await (await page.request.get(`${server.baseUrl}/api/admin/keys`)).json()) as {
      providers: Array<{ provider: string; configured: boolean; verified: boolean }>;
    };
    expect(keys.providers.find((entry) => entry.provider === 'openai')).toMatchObject({
      configured: true,
      verified: false,
    });

    // Deleting it names the two accounts it cuts off (Ada and Béa); Escape keeps it.
    await page.getByRole('button', { name: 'Supprimer la clé OpenAI globale' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Supprimer la clé OpenAI globale ?' });
    await dialog.getByText('2 utilisateurs perdront l’accès à OpenAI').waitFor();
    await expectAccessible(page, 'the delete dialog');
    await screenshot(page, 'fr-41-global-key-delete');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await page.request.get(`${server.baseUrl}/api/admin/keys`)).ok()).toBe(true);

    // Back on the admin pages: the time zone from the browser, one step skipped, sign-up closed.
    await page.goto(`${server.baseUrl}/admin/users`);
    await step(page, 'keys').getByText(fr.firstRun.state.todo).waitFor();
    await step(page, 'timeZone')
      .getByRole('button', { name: 'Utiliser Europe/Paris (celui de ce navigateur)' })
      .click();
    await step(page, 'timeZone').getByText(fr.firstRun.state.done).waitFor();
    await step(page, 'models').getByRole('button', { name: fr.firstRun.skip.models }).click();
    await step(page, 'models').getByText(fr.firstRun.state.skipped).waitFor();
    await banner.getByRole('button', { name: fr.firstRun.banner.closeSignup }).click();
    await banner.waitFor({ state: 'detached' });
    await step(page, 'signup').getByText(fr.firstRun.state.done).waitFor();
    await step(page, 'invite').getByText(fr.firstRun.state.done).waitFor();
    const display = (await (await page.request.get(`${server.baseUrl}/api/settings/display`)).json()) as {
      timeZone: string;
    };
    expect(display.timeZone).toBe('Europe/Paris');

    // Put away: gone from every admin page.
    await page.getByRole('button', { name: fr.firstRun.dismiss }).click();
    await page.getByTestId('first-run').waitFor({ state: 'detached' });
    await page.goto(`${server.baseUrl}/admin/invitations`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.getByTestId('signup-state').getByText(fr.accounts.signupIsClosed).waitFor();
    expect(await page.getByTestId('first-run').count()).toBe(0);
    expect(await page.getByTestId('open-to-anyone-banner').count()).toBe(0);
    await context.close();
  });
});

describe('the first run, in English', () => {
  let server: E2eServer;
  beforeAll(async () => {
    server = await startE2eServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows the banner until sign-up is closed in Admin › Invitations; a deletion names its count', async () => {
    const { context, page } = await adminPage(server, en as Texts, 'en-GB');
    await addUser(page, server, 'bob@example.com');
    await addUser(page, server, 'cy@example.com');
    const saved = await page.request.put(`${server.baseUrl}/api/admin/keys/mistral`, {
      headers: { origin: server.baseUrl },
      data: { apiKey: makeKey.mistral(), verify: true },
    });
    expect(saved.status()).toBe(200);

    await page.goto(`${server.baseUrl}/admin/invitations`);
    const banner = page.getByTestId('open-to-anyone-banner');
    await banner.getByText(en.firstRun.banner.title).waitFor();
    await step(page, 'keys').getByText(en.firstRun.state.done).waitFor();
    await page.getByTestId('signup-switch').getByRole('button', { name: en.accounts.closeSignup }).click();
    await banner.waitFor({ state: 'detached' });
    await page.getByTestId('signup-state').getByText(en.accounts.signupIsClosed).waitFor();

    await page.goto(`${server.baseUrl}/profile`);
    await page.getByRole('button', { name: 'Delete the global Mistral key' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete the global Mistral key?' });
    await dialog.getByText('3 users will lose access to Mistral').waitFor();
    await dialog.getByRole('button', { name: 'Delete the Mistral key' }).click();
    await page.getByText('Global Mistral key deleted.').waitFor();
    await context.close();
  });
});
