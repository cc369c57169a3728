// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../session.tsx';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { ForgotPasswordPage, InvitationPage, ResetPasswordPage } from './account-pages.tsx';
import { AdminInvitationsPage } from './admin-invitations-page.tsx';

const TOKEN = 'A'.repeat(43);

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.location.hash = '';
});

const withSession = (element: React.ReactElement) => <SessionProvider initialUser={null}>{element}</SessionProvider>;

describe('InvitationPage', () => {
  it('reads the token from the fragment, shows the fixed address, and accepts with a name and password', async () => {
    window.location.hash = `#${TOKEN}`;
    const { calls } = mockFetch({
      [`GET /api/invitations/${TOKEN}`]: () => ({
        body: { email: 'lea@example.org', name: 'Léa Dupont', expiresAt: '2026-12-08T10:00:00.000Z', locale: 'fr' },
      }),
      [`POST /api/invitations/${TOKEN}/accept`]: () => ({ body: { user: { id: 'u', email: 'lea@example.org' } } }),
      'GET /api/me': () => ({ body: { id: 'u', email: 'lea@example.org', name: 'Léa Dupont', role: 'user' } }),
    });
    renderWithApp(withSession(<InvitationPage />), { language: 'fr' });
    const email = (await screen.findByLabelText('E-mail')) as HTMLInputElement;
    expect(email.value).toBe('lea@example.org');
    expect(email.readOnly).toBe(true);
    expect((screen.getByLabelText('Nom') as HTMLInputElement).value).toBe('Léa Dupont');
    await userEvent.type(screen.getByLabelText('Mot de passe'), 'a long enough password');
    await userEvent.click(screen.getByRole('button', { name: 'Créer mon compte' }));
    await vi.waitFor(() => expect(calls.some((call) => call.method === 'POST')).toBe(true));
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({
      name: 'Léa Dupont',
      password: 'a long enough password',
    });
  });

  it('says a used or unknown link no longer works', async () => {
    window.location.hash = `#${TOKEN}`;
    mockFetch({
      [`GET /api/invitations/${TOKEN}`]: () => ({
        status: 404,
        body: { error: { code: 'invitation_invalid', message: 'x' } },
      }),
    });
    renderWithApp(withSession(<InvitationPage />), { language: 'en' });
    expect((await screen.findByRole('alert')).textContent).toContain('This invitation link no longer works');
  });
});

describe('password reset pages', () => {
  it('asks for a link and says so without telling whether the address exists', async () => {
    const { calls } = mockFetch({ 'POST /api/auth/request-password-reset': () => ({ body: { status: true } }) });
    renderWithApp(withSession(<ForgotPasswordPage />), { language: 'fr' });
    await userEvent.type(screen.getByLabelText('E-mail'), ' lea@example.org ');
    await userEvent.click(screen.getByRole('button', { name: 'Envoyer le lien' }));
    expect((await screen.findByRole('status')).textContent).toContain('Si un compte existe');
    expect(calls[0]?.body).toEqual({ email: 'lea@example.org' });
  });

  it('sends the fragment token with the new password, and names an expired link', async () => {
    window.location.hash = `#${TOKEN}`;
    const { calls } = mockFetch({
      'POST /api/auth/reset-password': () => ({
        status: 400,
        body: { code: 'INVALID_TOKEN', message: 'Invalid token' },
      }),
    });
    renderWithApp(withSession(<ResetPasswordPage />), { language: 'en' });
    await userEvent.type(screen.getByLabelText('New password'), 'a new password');
    await userEvent.click(screen.getByRole('button', { name: 'Save the password' }));
    expect((await screen.findByRole('alert')).textContent).toContain('This reset link no longer works');
    expect(calls[0]?.body).toEqual({ token: TOKEN, newPassword: 'a new password' });
  });
});

describe('AdminInvitationsPage', () => {
  it('lists the links to pass on once, and shows a class list’s errors per line', async () => {
    let imported = 0;
    mockFetch({
      'GET /api/admin/invitations': () => ({ body: { invitations: [] } }),
      'GET /api/admin/account-settings': () => ({ body: { signupsPerAddressPerMinute: 10, emailEnabled: false } }),
      'POST /api/admin/invitations': () => ({
        status: 201,
        body: {
          invitations: [
            {
              id: 'i1',
              email: 'a@example.org',
              role: 'user',
              groupId: null,
              locale: 'fr',
              status: 'pending',
              expiresAt: '2026-12-08T10:00:00.000Z',
              createdAt: '2026-12-01T10:00:00.000Z',
              acceptedAt: null,
              emailSentAt: null,
              url: `http://localhost/invitation#${TOKEN}`,
              emailed: false,
            },
          ],
        },
      }),
      'POST /api/admin/invitations/import': () => {
        imported++;
        return {
          status: 400,
          body: {
            error: {
              code: 'invalid_class_list',
              message: 'x',
              errors: [{ line: 3, field: 'email', reason: 'invalid_email' }],
            },
          },
        };
      },
    });
    renderWithApp(<AdminInvitationsPage />, { language: 'fr' });
    await screen.findByText(/L’envoi d’e-mails n’est pas configuré : après une invitation/);
    await userEvent.type(screen.getByLabelText('Adresses e-mail'), 'a@example.org');
    await userEvent.click(screen.getByRole('button', { name: 'Inviter' }));
    expect(await screen.findByText(`http://localhost/invitation#${TOKEN}`)).toBeTruthy();
    const file = new File(['email\nok@example.org\nnope\n'], 'classe.csv', { type: 'text/csv' });
    await userEvent.upload(screen.getByLabelText('Fichier CSV'), file);
    await userEvent.click(await screen.findByRole('button', { name: 'Importer' }));
    await vi.waitFor(() => expect(imported).toBe(1));
    expect((await screen.findByTestId('class-list-errors')).textContent).toBe(
      'Ligne 3, colonne email : adresse e-mail non valide',
    );
  });
});

describe('AdminInvitationsPage: group and e-mail', () => {
  const group = {
    id: '0b7c6a52-4a7e-4b8e-9a43-6f2b1a3c9d10',
    name: '3e B',
    description: '',
    budgets: null,
    models: null,
    memberCount: 0,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
  };
  const pending = {
    id: 'i1',
    email: 'a@example.org',
    role: 'user',
    groupId: group.id,
    locale: 'en',
    status: 'pending',
    expiresAt: '2026-12-08T10:00:00.000Z',
    createdAt: '2026-12-01T10:00:00.000Z',
    acceptedAt: null,
    emailSentAt: null,
  };
  const routes = (emailEnabled: boolean) => ({
    'GET /api/admin/invitations': () => ({ body: { invitations: [pending] } }),
    'GET /api/admin/account-settings': () => ({ body: { signupsPerAddressPerMinute: 10, emailEnabled } }),
    'GET /api/admin/groups': () => ({ body: { groups: [group] } }),
    'POST /api/admin/invitations': () => ({
      status: 201,
      body: { invitations: [{ ...pending, url: null, emailed: emailEnabled }] },
    }),
  });

  it('invites into the chosen group, and not by e-mail when the switch is turned off', async () => {
    const { calls } = mockFetch(routes(true));
    renderWithApp(<AdminInvitationsPage />, { language: 'en' });
    const row = await screen.findByTestId('invitation-row');
    expect(row.textContent).toContain('3e B');
    const form = within(screen.getByRole('region', { name: 'Invite' }));
    const send = form.getByRole('switch', { name: 'Send by e-mail' }) as HTMLInputElement;
    expect(send.checked).toBe(true);
    expect(send.disabled).toBe(false);
    await userEvent.selectOptions(screen.getByLabelText('Into a group (optional)'), '3e B');
    await userEvent.type(screen.getByLabelText('E-mail addresses'), 'a@example.org b@example.org');
    await userEvent.click(form.getByRole('button', { name: 'Invite' }));
    await vi.waitFor(() => expect(calls.some((call) => call.method === 'POST')).toBe(true));
    expect(calls.find((call) => call.method === 'POST')?.body).toMatchObject({
      emails: ['a@example.org', 'b@example.org'],
      groupId: group.id,
      sendEmail: true,
    });

    await userEvent.click(send);
    expect(send.checked).toBe(false);
    await userEvent.selectOptions(screen.getByLabelText('Into a group (optional)'), 'No group');
    await userEvent.type(screen.getByLabelText('E-mail addresses'), 'c@example.org');
    await userEvent.click(form.getByRole('button', { name: 'Invite' }));
    await vi.waitFor(() => expect(calls.filter((call) => call.method === 'POST')).toHaveLength(2));
    expect(calls.filter((call) => call.method === 'POST')[1]?.body).toMatchObject({
      emails: ['c@example.org'],
      groupId: null,
      sendEmail: false,
    });
  });

  it('imports a class list into the chosen group for the lines that name none', async () => {
    const { calls } = mockFetch({
      ...routes(true),
      'POST /api/admin/invitations/import': () => ({
        status: 201,
        body: { invitations: [{ ...pending, url: null, emailed: true }] },
      }),
    });
    renderWithApp(<AdminInvitationsPage />, { language: 'en' });
    await screen.findByTestId('invitation-row');
    const form = within(screen.getByRole('region', { name: 'Import a class list (CSV)' }));
    await userEvent.selectOptions(form.getByLabelText('Group of the lines that name none (optional)'), '3e B');
    const file = new File(['email\nok@example.org\n'], 'classe.csv', { type: 'text/csv' });
    await userEvent.upload(form.getByLabelText('CSV file'), file);
    await userEvent.click(await form.findByRole('button', { name: 'Import' }));
    await vi.waitFor(() => expect(calls.some((call) => call.url.endsWith('/import'))).toBe(true));
    expect(calls.find((call) => call.url.endsWith('/import'))?.body).toMatchObject({
      csv: 'email\nok@example.org\n',
      groupId: group.id,
      sendEmail: true,
    });
  });

  it('without SMTP, the switch is off and disabled, and says the link will be shown to pass on', async () => {
    const { calls } = mockFetch(routes(false));
    renderWithApp(<AdminInvitationsPage />, { language: 'fr' });
    await screen.findByTestId('invitation-row');
    const switches = screen.getAllByRole('switch', { name: 'Envoyer par e-mail' }) as HTMLInputElement[];
    // One for the invitations, one for the class list: both off.
    expect(switches.map((item) => [item.checked, item.disabled])).toEqual([
      [false, true],
      [false, true],
    ]);
    const send = switches[0] as HTMLInputElement;
    expect(send.checked).toBe(false);
    expect(send.disabled).toBe(true);
    const hint = document.getElementById(send.getAttribute('aria-describedby') ?? '');
    expect(hint?.textContent).toBe(
      'L’envoi d’e-mails n’est pas configuré sur ce WeBox : le lien s’affichera ici, à transmettre vous-même.',
    );
    await userEvent.type(screen.getByLabelText('Adresses e-mail'), 'a@example.org');
    await userEvent.click(screen.getByRole('button', { name: 'Inviter' }));
    await vi.waitFor(() => expect(calls.some((call) => call.method === 'POST')).toBe(true));
    expect(calls.find((call) => call.method === 'POST')?.body).toMatchObject({ groupId: null, sendEmail: false });
  });
});
