// The seed's journey in a real browser, once in French and once in English: the first account
// signs up and is admin, saves the global keys of all five providers with the one button; a
// second account chats on the global key, saves a personal key, chats on it, and never sees the
// admin section or a global mask. Every page is saved as a screenshot in test/e2e/artifacts/.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { defaultReplyFor } from '../fakes/index.ts';
import { allProviders, expectedMask, type KeyProvider, makeKey } from '../helpers/keys.ts';
import { chooseModel, launchBrowser, screenshot } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

type Strings = typeof en;
const STRINGS = { fr, en } as const;
const LOCALES = { fr: 'fr-FR', en: 'en-US' } as const;
const PROVIDER_NAMES: Record<KeyProvider, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  mistral: 'Mistral',
  groq: 'Groq',
};
const PASSWORD = 'correct horse battery staple';

/** An i18n string with its {{placeholders}} filled. */
function fill(text: string, values: Record<string, string> = {}) {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

for (const language of ['fr', 'en'] as const) {
  const other = language === 'fr' ? 'en' : 'fr';
  const t: Strings = STRINGS[language];
  const shot = (page: Page, name: string) => screenshot(page, `${language}-${name}`);

  describe(`the seed's journey in ${language === 'fr' ? 'French' : 'English'}`, () => {
    let server: E2eServer;
    const contexts: BrowserContext[] = [];
    const globalKeys = Object.fromEntries(allProviders.map((provider) => [provider, makeKey[provider]()])) as Record<
      KeyProvider,
      string
    >;
    const personalKey = makeKey.openai();
    const adminEmail = `admin-${language}@example.com`;
    const userEmail = `camille-${language}@example.com`;

    // A fresh server (and fresh accounts) for every attempt, so that a retried journey starts
    // again from the first sign-up.
    beforeEach(async () => {
      server = await startE2eServer();
    });

    afterEach(async () => {
      for (const context of contexts.splice(0)) await context.close();
      await server?.close();
    });

    async function newPage(locale: string) {
      const context = await browser.newContext({ locale, viewport: { width: 1280, height: 860 } });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      return page;
    }

    const chatPosts = () =>
      server.fakes.byProvider.openai.requests.filter(
        (request) => request.method === 'POST' && request.path.includes('chat'),
      );

    it('runs from the first sign-up to a personal key, on a real browser', async () => {
      // 1. The first account signs up, in the browser's language, and is admin.
      const admin = await newPage(LOCALES[language]);
      await admin.goto(`${server.baseUrl}/`);
      await expect.poll(() => admin.url()).toContain('/sign-in');
      await admin.getByRole('heading', { name: t.auth.signInTitle }).waitFor();
      expect(await admin.evaluate(() => document.documentElement.lang)).toBe(language);
      await shot(admin, '01-sign-in');
      await admin.getByRole('link', { name: t.auth.createOne }).click();
      await admin.getByRole('heading', { name: t.auth.signUpTitle }).waitFor();
      await admin.getByLabel(t.auth.name).fill('Alex Admin');
      await admin.getByLabel(t.auth.email).fill(adminEmail);
      await admin.getByLabel(t.auth.password).fill(PASSWORD);
      await shot(admin, '02-sign-up');
      await admin.getByRole('button', { name: t.auth.signUp }).click();
      await admin.getByRole('link', { name: t.nav.admin }).waitFor();

      // 2. The profile's admin section: every global key, saved with the one button.
      await admin.getByRole('link', { name: t.nav.profile }).click();
      await admin.getByRole('heading', { name: t.profile.title, level: 1 }).waitFor();
      const adminSection = admin.getByTestId('global-keys-admin');
      await adminSection.getByRole('heading', { name: t.profile.globalAdmin.title }).waitFor();
      for (const provider of allProviders) {
        await adminSection
          .getByLabel(fill(t.profile.globalAdmin.keyLabel, { provider: PROVIDER_NAMES[provider] }), { exact: true })
          .fill(globalKeys[provider]);
      }
      await adminSection.getByRole('button', { name: t.profile.globalAdmin.saveAll }).click();
      for (const provider of allProviders) {
        await expect
          .poll(() => adminSection.getByTestId(`global-key-${provider}`).getByTestId('global-mask').textContent())
          .toBe(expectedMask(globalKeys[provider]));
      }
      await adminSection.getByRole('status').filter({ hasText: PROVIDER_NAMES.groq }).waitFor();
      // The fields are emptied once saved: the keys are never shown again.
      for (const provider of allProviders) {
        const field = adminSection.getByLabel(
          fill(t.profile.globalAdmin.keyLabel, { provider: PROVIDER_NAMES[provider] }),
          {
            exact: true,
          },
        );
        expect(await field.inputValue()).toBe('');
      }
      expect(await admin.content()).not.toContain(globalKeys.openai);
      await shot(admin, '03-profile-admin-global-keys');

      // 3. A second account signs up; its browser speaks the other language until switched.
      const user = await newPage(LOCALES[other]);
      await user.goto(`${server.baseUrl}/sign-up`);
      await user.getByRole('heading', { name: STRINGS[other].auth.signUpTitle }).waitFor();
      await user.getByTestId('language-switcher').selectOption(language);
      await user.getByRole('heading', { name: t.auth.signUpTitle }).waitFor();
      await user.getByLabel(t.auth.name).fill('Camille');
      await user.getByLabel(t.auth.email).fill(userEmail);
      await user.getByLabel(t.auth.password).fill(PASSWORD);
      await user.getByRole('button', { name: t.auth.signUp }).click();
      await user.getByRole('heading', { name: t.chat.emptyTitle }).waitFor();
      expect(await user.getByRole('link', { name: t.nav.admin }).count()).toBe(0);

      // 4. It chats: the model runs on the global key, and the fake upstream receives that key.
      await chooseModel(user, t.chat.model, 'openai', 'gpt-4o-mini');
      await expect.poll(() => user.getByTestId('key-source-badge').getAttribute('data-source')).toBe('global');
      await user.getByLabel(t.chat.messageLabel).fill('Bonjour, explain the **hybrid key** system');
      await user.getByRole('button', { name: t.chat.send }).click();
      await user
        .getByTestId('message-assistant')
        .filter({ hasText: defaultReplyFor('openai') })
        .waitFor();
      expect(chatPosts().map((request) => request.apiKey)).toEqual([globalKeys.openai]);
      await user.getByTestId('message-assistant').getByText(t.chat.source.global, { exact: false }).waitFor();
      const conversationTitle = 'Bonjour, explain the **hybrid key** system';
      await user.getByRole('link', { name: conversationTitle }).waitFor();
      await shot(user, '04-chat-global-key');

      // 5. Its profile: no admin section, no global mask, only configured / not configured.
      await user.getByRole('link', { name: t.nav.profile }).click();
      await user.getByRole('heading', { name: t.profile.personal.title }).waitFor();
      expect(await user.getByText(t.profile.globalAdmin.title).count()).toBe(0);
      expect(await user.getByTestId('global-keys-admin').count()).toBe(0);
      const status = user.getByTestId('global-keys-status');
      await status.getByRole('heading', { name: t.profile.globalUser.title }).waitFor();
      expect(await status.getByText(t.profile.globalUser.configured, { exact: true }).count()).toBe(5);
      const html = await user.content();
      for (const provider of allProviders) {
        expect(html).not.toContain(expectedMask(globalKeys[provider]));
        expect(html).not.toContain(globalKeys[provider]);
      }
      // The expected format is shown as a hint.
      await user
        .getByText(fill(t.profile.personal.formatHint, { hint: t.keyHints.openai }))
        .first()
        .waitFor();

      // 6. It saves a personal OpenAI key, which takes priority from now on.
      const openaiRow = user.getByTestId('personal-key-openai');
      await openaiRow.getByLabel(fill(t.profile.personal.keyLabel, { provider: 'OpenAI' })).fill(personalKey);
      await openaiRow.getByRole('button', { name: t.profile.personal.save, exact: true }).click();
      await expect.poll(() => openaiRow.getByTestId('personal-mask').textContent()).toBe(expectedMask(personalKey));
      await expect.poll(() => openaiRow.getByTestId('key-source-badge').getAttribute('data-source')).toBe('personal');
      await shot(user, '05-profile-user-personal-key');

      // 7. Back in the saved conversation, the next answer comes through the personal key.
      await user.getByRole('link', { name: t.nav.chat }).click();
      await user.getByRole('link', { name: conversationTitle }).click();
      await user.getByTestId('message-assistant').first().waitFor();
      await expect.poll(() => user.getByTestId('key-source-badge').getAttribute('data-source')).toBe('personal');
      await user.getByLabel(t.chat.messageLabel).fill('And with my own key?');
      await user.getByRole('button', { name: t.chat.send }).click();
      await expect.poll(() => user.getByTestId('message-assistant').count()).toBe(2);
      await user.getByTestId('message-assistant').nth(1).getByText(t.chat.source.personal, { exact: false }).waitFor();
      expect(chatPosts().map((request) => request.apiKey)).toEqual([globalKeys.openai, personalKey]);
      await shot(user, '06-chat-personal-key');

      // The chosen language is remembered across a reload.
      await user.reload();
      await user.getByRole('link', { name: t.nav.profile }).waitFor();
      expect(await user.evaluate(() => document.documentElement.lang)).toBe(language);

      // At phone width the conversations fold behind a button.
      await user.setViewportSize({ width: 390, height: 844 });
      await user.getByRole('button', { name: t.chat.toggleSidebar }).waitFor();
      await shot(user, '07-chat-phone');
      await user.getByRole('button', { name: t.chat.toggleSidebar }).click();
      await user.getByRole('link', { name: conversationTitle }).waitFor();
      await shot(user, '07-chat-phone-conversations');
      await user.getByRole('button', { name: t.common.close }).click();
      await user.setViewportSize({ width: 1280, height: 860 });

      // 8. Sign out; a wrong password is said in words; the right one signs in.
      await user.getByRole('button', { name: t.nav.signOut }).click();
      await user.getByRole('heading', { name: t.auth.signInTitle }).waitFor();
      await user.getByLabel(t.auth.email).fill(userEmail);
      await user.getByLabel(t.auth.password).fill('not the password');
      await user.getByRole('button', { name: t.auth.signIn }).click();
      await user.getByRole('alert').filter({ hasText: t.auth.errors.invalidCredentials }).waitFor();
      await shot(user, '08-sign-in-wrong-password');
      await user.getByLabel(t.auth.password).fill(PASSWORD);
      await user.getByRole('button', { name: t.auth.signIn }).click();
      await user.getByRole('link', { name: conversationTitle }).waitFor();
      // The admin page is not for this account.
      await user.goto(`${server.baseUrl}/admin/users`);
      await user.getByRole('heading', { name: t.app.forbiddenTitle }).waitFor();

      // 9. The admin's user list: both accounts, which providers have personal keys, never a key.
      await admin.getByRole('link', { name: t.nav.admin }).click();
      await admin.getByRole('heading', { name: t.admin.usersTitle }).waitFor();
      const camille = admin.getByTestId('user-row').filter({ hasText: userEmail });
      await camille.getByText('OpenAI').waitFor();
      expect(await admin.getByTestId('user-row').count()).toBe(2);
      expect(await admin.content()).not.toContain(expectedMask(personalKey));
      await shot(admin, '09-admin-users');
    });
  });
}
