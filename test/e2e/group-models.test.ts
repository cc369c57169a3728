// A group's model list in a real browser, in French and in English: the operator offers every
// model and makes GPT-4.1 the default, but the group "3e B" may use only GPT-4o mini and Mistral
// Small. Its member's picker lists only those two and starts on one of them; the member's
// `/v1/models`, with an access token, lists only those; and `/v1/chat/completions` on a model
// outside the list is refused 403 `model_not_in_plan` before any provider sees it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { makeKey } from '../helpers/keys.ts';
import { launchBrowser, screenshot, signUpInBrowser } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

const STRINGS = { fr, en } as const;
const LOCALES = { fr: 'fr-FR', en: 'en-US' } as const;
const GROUP_MODELS = ['openai/gpt-4o-mini', 'mistral/mistral-small-latest'];
const GROUP_MODEL_NAMES = ['GPT-4o mini', 'Mistral Small'];

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

for (const language of ['fr', 'en'] as const) {
  const t = STRINGS[language];

  describe(`a group's models in ${language === 'fr' ? 'French' : 'English'}`, () => {
    let server: E2eServer;
    const contexts: BrowserContext[] = [];

    // A fresh server per attempt: a retry starts from the first sign-up (the first account is admin).
    beforeEach(async () => {
      server = await startE2eServer();
    });

    afterEach(async () => {
      for (const context of contexts.splice(0)) await context.close();
      await server?.close();
    });

    async function newPage(): Promise<Page> {
      const context = await browser.newContext({ locale: LOCALES[language], viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      return page;
    }

    const post = (page: Page, path: string, data: unknown) =>
      page.request.post(`${server.baseUrl}${path}`, { headers: { origin: server.baseUrl }, data });
    const put = (page: Page, path: string, data: unknown) =>
      page.request.put(`${server.baseUrl}${path}`, { headers: { origin: server.baseUrl }, data });

    it('a member sees and may call only the group’s models, in the picker and on /v1', async () => {
      const admin = await newPage();
      await signUpInBrowser(admin, server.baseUrl, t, 'Ada Admin', `ada-${language}@example.com`);
      for (const provider of ['openai', 'mistral'] as const) {
        expect((await put(admin, `/api/admin/keys/${provider}`, { apiKey: makeKey[provider]() })).status()).toBe(200);
      }
      // The operator's default is outside the group's list.
      expect((await put(admin, '/api/admin/models', { offered: 'all', defaultModel: 'openai/gpt-4.1' })).status()).toBe(
        200,
      );
      const group = await post(admin, '/api/admin/groups', { name: '3e B', models: GROUP_MODELS });
      expect(group.status()).toBe(201);
      const groupId = ((await group.json()) as { id: string }).id;

      const student = await newPage();
      await signUpInBrowser(student, server.baseUrl, t, 'Camille', `camille-${language}@example.com`);
      const studentId = ((await (await student.request.get(`${server.baseUrl}/api/me`)).json()) as { id: string }).id;
      expect((await put(admin, `/api/admin/groups/${groupId}/members/${studentId}`, {})).status()).toBe(200);

      // The chat's picker: only the group's two models, and the new chat starts on one of them.
      await student.goto(`${server.baseUrl}/`);
      await student.getByRole('heading', { name: t.chat.emptyTitle }).waitFor();
      const picker = student.getByRole('combobox', { name: t.chat.model });
      await expect
        .poll(async () => GROUP_MODEL_NAMES.some((name) => picker.inputValue().then((value) => value.startsWith(name))))
        .toBe(true);
      const chosen = await picker.inputValue();
      expect(GROUP_MODEL_NAMES.some((name) => chosen.startsWith(`${name} · `))).toBe(true);
      await picker.click();
      const listbox = student.getByRole('listbox', { name: t.chat.model });
      await listbox.getByRole('option').first().waitFor();
      const names = await listbox.locator('.model-option-name').allTextContents();
      expect(names.map((name) => name.replace(/\s*€+.*$/, '')).sort()).toEqual(GROUP_MODEL_NAMES);
      await screenshot(student, `${language}-group-models-picker`);
      await picker.press('Escape');

      // The same member on /v1, with an access token.
      const created = await post(student, '/api/tokens', { name: 'script' });
      expect(created.status()).toBe(201);
      const { token } = (await created.json()) as { token: string };
      const models = await fetch(`${server.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
      expect(models.status).toBe(200);
      const listed = ((await models.json()) as { data: Array<{ id: string }> }).data.map((entry) => entry.id);
      expect(listed.sort()).toEqual([...GROUP_MODELS].sort());

      const ask = (model: string) =>
        fetch(`${server.baseUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Bonjour' }] }),
        });
      const callsBefore = server.fakes.byProvider.openai.requests.length;
      const refused = await ask('openai/gpt-4.1');
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('model_not_in_plan');
      expect(server.fakes.byProvider.openai.requests.length).toBe(callsBefore);
      // A model of the list runs.
      expect((await ask('openai/gpt-4o-mini')).status).toBe(200);
    });
  });
}
