// Groups in a real browser, in French (and Admin › Users once in English): the admin creates the
// group "3e B" with a daily budget per member in Admin › Groupes and adds a student by e-mail;
// Admin › Users shows the student's budget with where it comes from ("— groupe 3e B"); the
// student's next message is refused for the group's budget before the provider sees it; and the
// student, made the group's admin, sees the group's page with its members.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/web/format.ts';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { makeKey } from '../helpers/keys.ts';
import { chooseModel, screenshot, signUpInBrowser } from './browser.ts';
import { browserAndFreshServer } from './server.ts';

/** One cent, each member's budget per day. */
const CENT = 10_000;

// A fresh server per attempt: a retry starts from the first sign-up (the first account is admin).
const e2e = browserAndFreshServer();

const signUp = (page: Page, name: string, email: string) => signUpInBrowser(page, e2e.server.baseUrl, fr, name, email);
const fill = (text: string, values: Record<string, string>) =>
  Object.entries(values).reduce((result, [key, value]) => result.replace(`{{${key}}}`, value), text);

describe('groups', () => {
  it("a group's budget applies to its members, shown with its origin, and its admin sees the group", async () => {
    const adminContext = await e2e.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    admin.setDefaultTimeout(30_000);
    await signUp(admin, 'Ada Admin', 'ada@example.com');
    const saved = await admin.request.put(`${e2e.server.baseUrl}/api/admin/keys/openai`, {
      headers: { origin: e2e.server.baseUrl },
      data: { apiKey: makeKey.openai() },
    });
    expect(saved.status()).toBe(200);

    const studentContext = await e2e.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const student = await studentContext.newPage();
    student.setDefaultTimeout(30_000);
    await signUp(student, 'Camille', 'camille@example.com');
    const studentId = ((await (await student.request.get(`${e2e.server.baseUrl}/api/me`)).json()) as { id: string }).id;

    // Admin › Groupes: the group, with one cent a day per member on the global keys.
    await admin.getByRole('link', { name: fr.nav.adminGroups }).click();
    await admin.getByRole('heading', { name: fr.groups.title, level: 1 }).waitFor();
    const create = admin.getByRole('region', { name: fr.groups.createTitle });
    await create.getByLabel(fr.groups.name).fill('3e B');
    await create.getByLabel(fr.groups.description).fill('Mme Martin, salle 12');
    await create.getByLabel(fr.admin.limits.dayDollars).fill('0,01');
    await create.getByRole('button', { name: fr.groups.create }).click();
    await admin.getByText(fill(fr.groups.created, { name: '3e B' })).waitFor();
    const row = admin.getByTestId('group-row').filter({ hasText: '3e B' });
    await row.getByText(`${formatMoney(CENT, 'fr')} par jour`, { exact: false }).waitFor();

    await admin.getByRole('button', { name: fill(fr.groups.editFor, { name: '3e B' }) }).click();
    await admin.getByRole('heading', { name: fill(fr.groups.editTitle, { name: '3e B' }) }).waitFor();
    await admin.getByLabel(fr.groups.addByEmail).fill('camille@example.com');
    await admin.getByRole('button', { name: fr.groups.add, exact: true }).click();
    await admin.getByText(fill(fr.groups.added, { email: 'camille@example.com' })).waitFor();
    await admin.getByTestId('member-row').filter({ hasText: 'Camille' }).waitFor();
    await screenshot(admin, 'fr-groups-admin');

    // Admin › Utilisateurs: Camille's budget, with where it comes from; her group in its column.
    await admin.getByRole('link', { name: fr.nav.admin }).click();
    const cell = admin.getByTestId(`user-limits-${studentId}`);
    await cell.getByText(`${formatMoney(CENT, 'fr')} par jour — groupe 3e B`, { exact: false }).waitFor();
    await admin.getByTestId('user-row').filter({ hasText: 'Camille' }).getByText('3e B', { exact: true }).waitFor();
    // The group filter keeps her alone.
    await admin.getByLabel(fr.admin.groupFilter).selectOption({ label: '3e B' });
    await expect.poll(() => admin.getByTestId('user-row').count()).toBe(1);
    await screenshot(admin, 'fr-groups-admin-users');

    // Camille's message cannot fit the group's budget, not even the shortest useful answer (raised
    // here: a cent would otherwise buy a capped answer): refused in words, before the provider.
    const none = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };
    const raised = await admin.request.put(`${e2e.server.baseUrl}/api/admin/limits/default`, {
      headers: { origin: e2e.server.baseUrl },
      data: { global: none, personal: none, minUsefulOutputTokens: 100_000 },
    });
    expect(raised.status()).toBe(200);
    await student.goto(`${e2e.server.baseUrl}/`);
    await chooseModel(student, fr.chat.model, 'openai', 'gpt-4.1');
    const callsBefore = e2e.server.fakes.byProvider.openai.requests.length;
    await student.getByLabel(fr.chat.messageLabel).fill('Bonjour, pouvez-vous m’aider ?');
    await student.getByRole('button', { name: fr.chat.send }).click();
    await student.getByText(/Limite atteinte — Budget du jour sur les clés globales/).waitFor();
    expect(e2e.server.fakes.byProvider.openai.requests.length).toBe(callsBefore);
    await screenshot(student, 'fr-groups-quota-exceeded');

    // Made the group's admin, Camille sees "Mon groupe": its members and their usage.
    const promoted = await admin.request.put(
      `${e2e.server.baseUrl}/api/admin/groups/${await groupId()}/members/${studentId}`,
      {
        headers: { origin: e2e.server.baseUrl },
        data: { role: 'admin' },
      },
    );
    expect(promoted.status()).toBe(200);
    await student.goto(`${e2e.server.baseUrl}/`);
    await student.getByRole('link', { name: fr.nav.myGroup }).click();
    await student.getByRole('heading', { name: `${fr.nav.myGroup} · 3e B` }).waitFor();
    await student.getByTestId('member-row').filter({ hasText: 'camille@example.com' }).waitFor();
    await student.getByText('Mme Martin, salle 12').waitFor();
    await screenshot(student, 'fr-groups-my-group');

    // Once in English: Admin › Users says where the budget comes from.
    const englishContext = await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    await englishContext.addCookies(await adminContext.cookies());
    const english = await englishContext.newPage();
    english.setDefaultTimeout(30_000);
    await english.goto(`${e2e.server.baseUrl}/admin/users`);
    await english.getByRole('heading', { name: en.admin.usersTitle, level: 1 }).waitFor();
    await english
      .getByTestId(`user-limits-${studentId}`)
      .getByText(`${formatMoney(CENT, 'en')} per day — group 3e B`, { exact: false })
      .waitFor();
    await screenshot(english, 'en-groups-admin-users');

    // The new pages in the dark theme (screenshots for review; axe-core is not installed here).
    const darkContext = await e2e.browser.newContext({
      locale: 'fr-FR',
      colorScheme: 'dark',
      viewport: { width: 1280, height: 900 },
    });
    await darkContext.addCookies(await adminContext.cookies());
    const dark = await darkContext.newPage();
    dark.setDefaultTimeout(30_000);
    await dark.goto(`${e2e.server.baseUrl}/admin/groups`);
    await dark.getByTestId('group-row').filter({ hasText: '3e B' }).waitFor();
    await screenshot(dark, 'fr-groups-admin-dark');
    await dark.goto(`${e2e.server.baseUrl}/admin/users`);
    await dark.getByTestId(`user-limits-${studentId}`).waitFor();
    await screenshot(dark, 'fr-groups-admin-users-dark');
    await darkContext.close();

    await englishContext.close();
    await adminContext.close();
    await studentContext.close();
  });
});

async function groupId() {
  const found = (await e2e.server.app.groups.list()).find((group) => group.name === '3e B');
  if (!found) throw new Error('no group 3e B');
  return found.id;
}
