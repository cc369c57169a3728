// Playwright (playwright-core) on Debian's Chromium, with the flags this machine needs (DESIGN §8):
// no sandbox as root, and none of Chromium's background connections (the network is closed).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ARTIFACTS_DIR = fileURLToPath(new URL('./artifacts', import.meta.url));

export function launchBrowser(): Promise<Browser> {
  // launch() gives every run a fresh, empty profile (its own --user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot as test/e2e/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs up through the sign-up page and waits for the empty chat (the texts give the language). */
export async function signUpInBrowser(
  page: Page,
  baseUrl: string,
  texts: { auth: { name: string; email: string; password: string; signUp: string }; chat: { emptyTitle: string } },
  name: string,
  email: string,
) {
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel(texts.auth.name).fill(name);
  await page.getByLabel(texts.auth.email).fill(email);
  await page.getByLabel(texts.auth.password).fill('correct horse battery staple');
  await page.getByRole('button', { name: texts.auth.signUp }).click();
  await page.getByRole('heading', { name: texts.chat.emptyTitle }).waitFor();
}

/**
 * Chooses a model in the chat's picker (a searchable combobox): types its id and its provider's
 * name, then Enter takes the first match (the catalogue lists an id before the longer ids it begins).
 */
export async function chooseModel(page: Page, label: string, provider: string, model: string) {
  const picker = page.getByRole('combobox', { name: label });
  await picker.click();
  await picker.fill(`${model} ${provider}`);
  await page.getByRole('listbox', { name: label }).getByRole('option').first().waitFor();
  await picker.press('Enter');
}
