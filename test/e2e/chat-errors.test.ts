// The chat's unhappy paths in a real browser: a model with no key says why and links to the
// profile; a key the provider refuses is said in words; the stop button aborts a slow answer.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import { makeKey } from '../helpers/keys.ts';
import { chooseModel, launchBrowser, screenshot } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

let browser: Browser;
let server: E2eServer;
let page: Page;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startE2eServer()]);
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${server.baseUrl}/sign-up`);
  await page.getByLabel(en.auth.name).fill('Ada');
  await page.getByLabel(en.auth.email).fill('ada@example.com');
  await page.getByLabel(en.auth.password).fill('correct horse battery staple');
  await page.getByRole('button', { name: en.auth.signUp }).click();
  await page.getByRole('heading', { name: en.chat.emptyTitle }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('chat errors and the stop button', () => {
  it('explains an unavailable model and links to the profile', async () => {
    await chooseModel(page, en.chat.model, 'mistral', 'mistral-small-latest');
    await page.getByText('No API key for Mistral', { exact: false }).waitFor();
    expect(await page.getByRole('link', { name: en.chat.addKeyLink }).getAttribute('href')).toBe('/profile');
    await page.getByLabel(en.chat.messageLabel).fill('hello');
    expect(await page.getByRole('button', { name: en.chat.send }).isDisabled()).toBe(true);
    await screenshot(page, 'en-10-chat-unavailable-model');
  });

  it('says in words that the provider refused the global key', async () => {
    const saved = await page.request.put(`${server.baseUrl}/api/admin/keys/openai`, {
      data: { apiKey: makeKey.openai() },
      headers: { origin: server.baseUrl },
    });
    expect(saved.status()).toBe(200);
    await page.reload();
    await chooseModel(page, en.chat.model, 'openai', 'gpt-4o-mini');
    server.fakes.byProvider.openai.setBehavior({ kind: 'unauthorized' }, { times: 1 });
    await page.getByLabel(en.chat.messageLabel).fill('Is my key fine?');
    await page.getByRole('button', { name: en.chat.send }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'OpenAI refused the global key. An administrator must replace it.' })
      .waitFor();
    // Nothing was saved: the question is back in the composer to be sent again.
    expect(await page.getByLabel(en.chat.messageLabel).inputValue()).toBe('Is my key fine?');
    await screenshot(page, 'en-11-chat-provider-refused-key');
  });

  it('stops a slow answer with the stop button', async () => {
    server.fakes.byProvider.openai.setBehavior({ kind: 'slow', delayMs: 8_000 }, { times: 1 });
    await page.getByLabel(en.chat.messageLabel).fill('Take your time');
    await page.getByRole('button', { name: en.chat.send }).click();
    const stop = page.getByRole('button', { name: en.chat.stop });
    await stop.waitFor();
    await stop.click();
    await page.getByRole('button', { name: en.chat.send }).waitFor();
    // Nothing of the answer had arrived, so nothing was saved: the question is back, no error shown.
    await expect.poll(() => page.getByLabel(en.chat.messageLabel).inputValue()).toBe('Take your time');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('message-assistant').count()).toBe(0);
  });
});
