// Accounts in a real browser, in French and in English, with e-mail read from an SMTP server
// started here: an invitation into a group accepted (the account is then in the group), a class list of 30 imported (one with an error first,
// nothing imported) and a few of its students' first sign-ins through their links, a forgotten
// password reset by e-mail, and the admin's reset from the account's row in Admin › Users. Pages in light and dark are saved as screenshots.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { linkIn, startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { launchBrowser, screenshot } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

type Strings = typeof en;
const STRINGS = { fr, en } as const;
const LOCALES = { fr: 'fr-FR', en: 'en-US' } as const;
const PASSWORD = 'correct horse battery staple';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

for (const language of ['fr', 'en'] as const) {
  const t: Strings = STRINGS[language];
  const shot = (page: Page, name: string) => screenshot(page, `${language}-accounts-${name}`);

  describe(`accounts in ${language === 'fr' ? 'French' : 'English'}`, () => {
    let server: E2eServer;
    let smtp: TestSmtp;
    const contexts: BrowserContext[] = [];

    beforeEach(async () => {
      smtp = await startTestSmtp();
      server = await startE2eServer({
        env: { WEBOX_SMTP_URL: smtp.url, WEBOX_EMAIL_FROM: 'WeBox <webox@example.org>', WEBOX_SIGNUP: 'closed' },
      });
    });

    afterEach(async () => {
      for (const context of contexts.splice(0)) await context.close();
      await server?.close();
      await smtp?.close();
    });

    async function newPage(colorScheme: 'light' | 'dark' = 'light') {
      const context = await browser.newContext({
        locale: LOCALES[language],
        colorScheme,
        viewport: { width: 1280, height: 860 },
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      return page;
    }

    /** Opens an e-mailed invitation link, sets the password (and the name unless offered), lands in the chat. */
    async function acceptFromMail(to: string, name: string | null, colorScheme: 'light' | 'dark' = 'light') {
      const message = await smtp.waitFor(to);
      const link = linkIn(message, `${server.baseUrl}/invitation#`);
      const page = await newPage(colorScheme);
      await page.goto(link);
      await page.getByRole('heading', { name: t.accounts.invitationTitle }).waitFor();
      expect(await page.getByLabel(t.auth.email).inputValue()).toBe(to);
      if (name !== null) await page.getByLabel(t.auth.name).fill(name);
      await page.getByLabel(t.auth.password).fill(PASSWORD);
      return { page, message };
    }

    it('invites by e-mail, imports a class list, and resets a forgotten password by e-mail', async () => {
      // The first account (sign-up is closed for everyone else) is the admin.
      const admin = await newPage();
      await admin.goto(`${server.baseUrl}/sign-up`);
      await admin.getByLabel(t.auth.name).fill('Mme Martin');
      await admin.getByLabel(t.auth.email).fill(`admin-${language}@example.com`);
      await admin.getByLabel(t.auth.password).fill(PASSWORD);
      await admin.getByRole('button', { name: t.auth.signUp }).click();
      await admin.getByRole('link', { name: t.nav.adminInvitations }).waitFor();
      const group = await admin.request.post(`${server.baseUrl}/api/admin/groups`, {
        headers: { origin: server.baseUrl },
        data: { name: '3e B' },
      });
      expect(group.status()).toBe(201);
      await admin.getByRole('link', { name: t.nav.adminInvitations }).click();
      await admin.getByRole('heading', { name: t.accounts.invitationsTitle, level: 1 }).waitFor();
      await admin.getByText(t.accounts.invitationsIntroEmail).waitFor();

      // 1. One invitation into the group, e-mailed in the admin's language, accepted in dark mode.
      const inviteeEmail = `lea-${language}@example.com`;
      await admin.getByLabel(t.accounts.inviteEmails).fill(inviteeEmail);
      await admin.getByLabel(t.accounts.inviteGroup).selectOption({ label: '3e B' });
      const inviteForm = admin.getByRole('region', { name: t.accounts.inviteTitle, exact: true });
      expect(await inviteForm.getByRole('switch', { name: t.accounts.sendEmail }).isChecked()).toBe(true);
      await admin.getByRole('button', { name: t.accounts.inviteSubmit, exact: true }).click();
      await admin
        .getByRole('status')
        .filter({ hasText: t.accounts.invited_one.replace('{{count}}', '1') })
        .waitFor();
      await admin.getByTestId('invitation-row').filter({ hasText: inviteeEmail }).filter({ hasText: '3e B' }).waitFor();
      await shot(admin, '01-invitations');
      const { page: invitee, message } = await acceptFromMail(inviteeEmail, 'Léa Dupont', 'dark');
      expect(message.subject).toBe(
        language === 'fr' ? 'Votre invitation à rejoindre WeBox' : 'Your invitation to join WeBox',
      );
      await shot(invitee, '02-invitation-dark');
      await invitee.getByRole('button', { name: t.accounts.invitationSubmit }).click();
      await invitee.getByRole('heading', { name: t.chat.emptyTitle }).waitFor();
      // The account is in the group (and Admin › Users says so, below).
      const { id: groupId } = (await group.json()) as { id: string };
      const detail = await admin.request.get(`${server.baseUrl}/api/admin/groups/${groupId}`);
      const members = ((await detail.json()) as { members: Array<{ email: string; role: string }> }).members;
      expect(members).toEqual([expect.objectContaining({ email: inviteeEmail, role: 'member' })]);

      // 2. A class list with one bad line: the error is named, nothing is imported.
      const students = Array.from({ length: 30 }, (_, index) => ({
        email: `eleve${index + 1}-${language}@example.com`,
        first: `Prénom${index + 1}`,
        last: `Nom${index + 1}`,
      }));
      const csv = (rows: string[]) => `\uFEFFCourriel;Prénom;Nom\n${rows.join('\n')}\n`;
      const lines = students.map((student) => `${student.email};${student.first};${student.last}`);
      const fileInput = admin.getByLabel(t.accounts.importFile);
      await fileInput.setInputFiles({
        name: 'classe.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv([lines[0] ?? '', 'pas-une-adresse;X;Y', ...lines.slice(1)])),
      });
      await admin.getByRole('button', { name: t.accounts.importSubmit }).click();
      const errors = admin.getByTestId('class-list-errors');
      await errors.waitFor();
      expect(await errors.textContent()).toContain(language === 'fr' ? 'Ligne 3' : 'Line 3');
      await shot(admin, '03-class-list-errors');
      expect(smtp.messages.filter((sent) => sent.to[0]?.startsWith('eleve'))).toHaveLength(0);

      // 3. The corrected list: 30 invitations, 30 e-mails.
      await fileInput.setInputFiles({ name: 'classe.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(lines)) });
      await admin.getByRole('button', { name: t.accounts.importSubmit }).click();
      await admin
        .getByRole('status')
        .filter({ hasText: t.accounts.invited_other.replace('{{count}}', '30') })
        .waitFor();
      await expect.poll(() => admin.getByTestId('invitation-row').count(), { timeout: 30_000 }).toBe(31);

      // 4. A few first sign-ins through their links, the name offered from the list.
      for (const student of students.slice(0, 3)) {
        const { page } = await acceptFromMail(student.email, null);
        expect(await page.getByLabel(t.auth.name).inputValue()).toBe(`${student.first} ${student.last}`);
        await page.getByRole('button', { name: t.accounts.invitationSubmit }).click();
        await page.getByRole('heading', { name: t.chat.emptyTitle }).waitFor();
      }
      await admin.reload();
      const accepted = admin.getByTestId('invitation-row').filter({ hasText: t.accounts.statuses.accepted });
      await accepted.first().waitFor();
      await expect.poll(() => accepted.count(), { timeout: 30_000 }).toBe(4);

      // 5. Léa forgets her password: the e-mailed link sets a new one.
      const forgetful = await newPage();
      await forgetful.goto(`${server.baseUrl}/sign-in`);
      await forgetful.getByRole('link', { name: t.accounts.forgotLink }).click();
      await forgetful.getByRole('heading', { name: t.accounts.forgotTitle }).waitFor();
      await shot(forgetful, '04-forgot');
      await forgetful.getByLabel(t.auth.email).fill(inviteeEmail);
      await forgetful.getByRole('button', { name: t.accounts.forgotSubmit }).click();
      await forgetful.getByText(t.accounts.forgotSent).waitFor();
      const reset = await smtp.waitFor(inviteeEmail);
      expect(reset.subject).toBe(
        language === 'fr' ? 'Réinitialisation de votre mot de passe WeBox' : 'Reset your WeBox password',
      );
      await forgetful.goto(linkIn(reset, `${server.baseUrl}/reset-password#`));
      await forgetful.getByRole('heading', { name: t.accounts.resetTitle }).waitFor();
      await shot(forgetful, '05-reset');
      await forgetful.getByLabel(t.accounts.newPassword).fill('a new password for Léa');
      await forgetful.getByRole('button', { name: t.accounts.resetSubmit }).click();
      await forgetful.getByText(t.accounts.resetDone).waitFor();
      await forgetful.getByRole('link', { name: t.accounts.backToSignIn }).click();
      await forgetful.getByLabel(t.auth.email).fill(inviteeEmail);
      await forgetful.getByLabel(t.auth.password).fill('a new password for Léa');
      await forgetful.getByRole('button', { name: t.auth.signIn }).click();
      await forgetful.getByRole('heading', { name: t.chat.emptyTitle }).waitFor();

      // The admin's reset action, in dark mode: a link e-mailed.
      const dark = await newPage('dark');
      await dark.goto(`${server.baseUrl}/sign-in`);
      await dark.getByLabel(t.auth.email).fill(`admin-${language}@example.com`);
      await dark.getByLabel(t.auth.password).fill(PASSWORD);
      await dark.getByRole('button', { name: t.auth.signIn }).click();
      await dark.getByRole('link', { name: t.nav.admin }).click();
      await dark.getByTestId('user-row').filter({ hasText: inviteeEmail }).getByText('3e B', { exact: true }).waitFor();
      await dark
        .getByTestId('user-row')
        .filter({ hasText: students[0]?.email ?? '' })
        .getByRole('button', { name: t.admin.resetPasswordFor.replace('{{name}}', 'Prénom1 Nom1') })
        .click();
      const resetPanel = dark.getByTestId('password-reset-panel');
      await resetPanel.getByText(t.accounts.adminResetByEmail.replace('{{email}}', students[0]?.email ?? '')).waitFor();
      await resetPanel.getByRole('button', { name: t.accounts.adminResetSendLink }).click();
      await resetPanel.getByTestId('password-reset-result').filter({ hasText: t.accounts.adminResetEmailed }).waitFor();
      await smtp.waitFor(students[0]?.email ?? '');
      await shot(dark, '06-admin-reset-dark');
    });
  });
}
