// Budgets in a real browser: the admin sets a user's daily budget in Admin › Users; the user sees
// what is left in the chat and on "Ma consommation" (the ledger's figures), is warned at 80 %, told
// when it is used up, and a message refused for the budget says so in words.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/web/format.ts';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { makeKey } from '../helpers/keys.ts';
import { chooseModel, screenshot, signUpInBrowser } from './browser.ts';
import { browserAndFreshServer } from './server.ts';

// A fresh server per attempt: a retry starts from the first sign-up (the first account is admin).
const e2e = browserAndFreshServer();

const signUp = (page: Page, texts: typeof en, name: string, email: string) =>
  signUpInBrowser(page, e2e.server.baseUrl, texts, name, email);

async function globalSpent(userId: string) {
  await e2e.server.app.metering.ledger.flush();
  const { rows } = await e2e.server.app.database.query<{ cost: string }>(
    `select coalesce(sum(cost_microusd), 0) as cost from usage_event where user_id = $1 and key_source = 'global'`,
    [userId],
  );
  return Number(rows[0]?.cost ?? 0);
}

describe('budgets', () => {
  it('set by the admin, shown to the user as the ledger counts them, refused in words when used up', async () => {
    const adminContext = await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    admin.setDefaultTimeout(30_000);
    await signUp(admin, en, 'Ada Admin', 'ada@example.com');
    const saved = await admin.request.put(`${e2e.server.baseUrl}/api/admin/keys/openai`, {
      headers: { origin: e2e.server.baseUrl },
      data: { apiKey: makeKey.openai() },
    });
    expect(saved.status()).toBe(200);

    const userContext = await e2e.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const user = await userContext.newPage();
    user.setDefaultTimeout(30_000);
    await signUp(user, fr, 'Camille', 'camille@example.com');
    const userId = ((await (await user.request.get(`${e2e.server.baseUrl}/api/me`)).json()) as { id: string }).id;
    for (let index = 0; index < 2; index++) {
      const answer = await user.request.post(`${e2e.server.baseUrl}/api/chat`, {
        headers: { origin: e2e.server.baseUrl },
        data: {
          provider: 'openai',
          model: 'gpt-4.1',
          stream: false,
          // A long document to summarise: about 20,000 prompt tokens, a few cents each time.
          messages: [{ role: 'user', content: `Summarise this. ${'Le budget est partagé. '.repeat(3_500)}` }],
        },
      });
      expect(answer.status()).toBe(200);
    }
    const spent = await globalSpent(userId);
    expect(spent).toBeGreaterThan(0);

    // The admin gives Camille a daily budget of which 90 % is already spent, in Admin › Users.
    const dailyDollars = (Math.round(spent / 0.9) / 1_000_000).toFixed(6);
    const limit = Math.round(Number(dailyDollars) * 1_000_000);
    await admin.goto(`${e2e.server.baseUrl}/admin/users`);
    await admin.getByRole('button', { name: en.admin.limits.editFor.replace('{{name}}', 'Camille') }).click();
    const form = admin.getByTestId(`user-limits-form-${userId}`);
    const globalFieldset = form.getByRole('group', { name: en.admin.limits.global });
    await globalFieldset.getByLabel(en.admin.limits.custom).check();
    await globalFieldset.getByLabel(en.admin.limits.dayDollars).fill(dailyDollars);
    await form.getByRole('button', { name: en.admin.limits.save }).click();
    await admin.getByText(en.admin.limits.savedUser.replace('{{name}}', 'Camille')).waitFor();
    const stored = (await (
      await admin.request.get(`${e2e.server.baseUrl}/api/admin/users/${userId}/limits`)
    ).json()) as {
      override: { global: { dayMicrousd: number } };
    };
    expect(stored.override.global.dayMicrousd).toBe(limit);
    const cell = admin.getByTestId(`user-limits-${userId}`);
    await cell.getByText(formatMoney(limit, 'en'), { exact: false }).first().waitFor();
    await cell.getByText(formatMoney(spent, 'en'), { exact: false }).first().waitFor();
    await screenshot(admin, 'en-14-admin-budgets');

    // Camille's usage page: the ledger's spend against the limit, and the 80 % warning.
    await user.goto(`${e2e.server.baseUrl}/usage`);
    const line = user.getByTestId('budget-line-global-day-microusd');
    await line.waitFor();
    const lineText = await line.innerText();
    expect(lineText).toContain(formatMoney(spent, 'fr'));
    expect(lineText).toContain(formatMoney(limit, 'fr'));
    expect(lineText).toContain(formatMoney(limit - spent, 'fr'));
    await user.getByTestId('budget-notice').first().waitFor();
    const notice = await user.getByTestId('budget-notice').first().innerText();
    const percent = Number(/(\d+(?:,\d+)?) % utilisés/.exec(notice)?.[1]?.replace(',', '.'));
    expect(percent, notice).toBeGreaterThanOrEqual(80);
    expect(percent, notice).toBeLessThan(100);
    await screenshot(user, 'fr-15-budget-warning');

    // In the chat: what is left, and the warning.
    await user.goto(`${e2e.server.baseUrl}/`);
    await chooseModel(user, fr.chat.model, 'openai', 'gpt-4.1');
    const remaining = user.getByTestId('budget-remaining');
    await remaining.waitFor();
    expect(await remaining.innerText()).toContain(formatMoney(limit - spent, 'fr'));
    await user.getByTestId('budget-notice').first().waitFor();

    // The next message's whole answer does not fit what is left, a shorter one does: it is
    // answered, limited to what fits, and says so under the answer.
    await user.getByLabel(fr.chat.messageLabel).fill('Encore une question ?');
    await user.getByRole('button', { name: fr.chat.send }).click();
    const note = user.getByTestId('capped-note');
    await note.waitFor();
    expect((await note.innerText()).replace(/\s/g, ' ')).toMatch(
      /^Réponse limitée à \d[\d ]* jetons pour tenir dans votre budget\.$/,
    );
    await screenshot(user, 'fr-16-budget-capped');

    // With a shortest useful answer longer than what is left: refused before the provider, in words.
    const none = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };
    const raised = await admin.request.put(`${e2e.server.baseUrl}/api/admin/limits/default`, {
      headers: { origin: e2e.server.baseUrl },
      data: { global: none, personal: none, minUsefulOutputTokens: 100_000 },
    });
    expect(raised.status()).toBe(200);
    const callsBefore = e2e.server.fakes.byProvider.openai.requests.length;
    await user.getByLabel(fr.chat.messageLabel).fill('Encore une question ?');
    await user.getByRole('button', { name: fr.chat.send }).click();
    await user.getByText(/Limite atteinte — Budget du jour sur les clés globales/).waitFor();
    expect(e2e.server.fakes.byProvider.openai.requests.length).toBe(callsBefore);
    await screenshot(user, 'fr-16-quota-exceeded');

    // Used up entirely: the notice says so.
    const exhausted = await admin.request.put(`${e2e.server.baseUrl}/api/admin/users/${userId}/limits`, {
      headers: { origin: e2e.server.baseUrl },
      data: {
        global: { dayMicrousd: spent, monthMicrousd: null, dayTokens: null, monthTokens: null },
        personal: null,
        requestsPerMinute: null,
        tokensPerMinute: null,
      },
    });
    expect(exhausted.status()).toBe(200);
    await user.goto(`${e2e.server.baseUrl}/usage`);
    await user
      .getByText(/Budget du jour sur les clés globales : épuisé/)
      .first()
      .waitFor();

    await adminContext.close();
    await userContext.close();
  });

  it('in English: the admin sets a small default budget and the shortest useful answer, a capped answer says so', async () => {
    const adminContext = await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    admin.setDefaultTimeout(30_000);
    await signUp(admin, en, 'Ada Admin', 'ada@example.com');
    const saved = await admin.request.put(`${e2e.server.baseUrl}/api/admin/keys/openai`, {
      headers: { origin: e2e.server.baseUrl },
      data: { apiKey: makeKey.openai() },
    });
    expect(saved.status()).toBe(200);

    // One cent a day on the global keys: a short answer fits, GPT-4.1's 8,192-token worst case does not.
    await admin.goto(`${e2e.server.baseUrl}/admin/users`);
    const defaults = admin.getByTestId('default-budgets');
    await defaults.getByTestId('default-budget-global').getByLabel(en.admin.limits.dayDollars).fill('0.01');
    await defaults.getByLabel(en.admin.limits.minimum).fill('200');
    await defaults.getByRole('button', { name: en.admin.limits.saveDefault }).click();
    await admin.getByText(en.admin.limits.savedDefault).waitFor();
    const stored = (await (await admin.request.get(`${e2e.server.baseUrl}/api/admin/limits`)).json()) as {
      default: { minUsefulOutputTokens: number; budgets: { global: { dayMicrousd: number } } };
    };
    expect(stored.default.minUsefulOutputTokens).toBe(200);
    expect(stored.default.budgets.global.dayMicrousd).toBe(10_000);

    const userContext = await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const user = await userContext.newPage();
    user.setDefaultTimeout(30_000);
    await signUp(user, en, 'Sam', 'sam@example.com');
    await user.goto(`${e2e.server.baseUrl}/`);
    await chooseModel(user, en.chat.model, 'openai', 'gpt-4.1');
    await user.getByLabel(en.chat.messageLabel).fill('A short question?');
    await user.getByRole('button', { name: en.chat.send }).click();
    const note = user.getByTestId('capped-note');
    await note.waitFor();
    const text = (await note.innerText()).replace(/\s/g, ' ');
    expect(text).toMatch(/^Answer limited to [\d,]+ tokens to fit your budget\.$/);
    // The cap went upstream as the output limit, below the 8,192 of an uncapped budgeted request.
    const sent = e2e.server.fakes.byProvider.openai.requests.at(-1)?.body as {
      max_completion_tokens?: number;
      max_tokens?: number;
    };
    const cap = sent.max_completion_tokens ?? sent.max_tokens ?? 0;
    expect(cap).toBeGreaterThanOrEqual(200);
    expect(cap).toBeLessThan(8_192);
    expect(text).toContain(cap.toLocaleString('en'));
    await screenshot(user, 'en-16-budget-capped');

    await adminContext.close();
    await userContext.close();
  });
});
