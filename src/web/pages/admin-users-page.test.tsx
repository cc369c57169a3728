// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdminLimits, BudgetLimitsView } from '../../shared/limits.ts';
import { SessionProvider } from '../session.tsx';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { AdminUsersPage } from './admin-users-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const none: BudgetLimitsView = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };
const monthly: BudgetLimitsView = { ...none, monthMicrousd: 5_000_000 };

/** The operator budget section's own read (tested in operator-budget-form.test.ts and the HTTP suite). */
const operatorBudgetRoute = {
  'GET /api/admin/operator-budget': () => ({
    body: {
      dayMicrousd: null,
      monthMicrousd: 20_000_000,
      thresholds: [50, 80, 100],
      hardCap: false,
      spendJumpMultiple: null,
      spent: { dayMicrousd: 300_000, monthMicrousd: 1_500_000 },
      timezone: 'Europe/Paris',
      updatedAt: null,
    },
  }),
};

const users = [
  {
    id: 'u1',
    name: 'Ada',
    email: 'ada@example.com',
    role: 'admin',
    disabled: false,
    createdAt: '2026-01-01T00:00:00Z',
    personalKeys: [],
  },
  {
    id: 'u2',
    name: 'Bob',
    email: 'bob@example.com',
    role: 'user',
    disabled: false,
    createdAt: '2026-01-02T00:00:00Z',
    personalKeys: [],
  },
];

const noOverride = { global: null, personal: null, requestsPerMinute: null, tokensPerMinute: null };
const adminLimits: AdminLimits = {
  default: {
    budgets: { global: monthly, personal: none },
    requestsPerMinute: 60,
    tokensPerMinute: null,
    minUsefulOutputTokens: 256,
    updatedAt: null,
  },
  users: [
    {
      userId: 'u1',
      override: { ...noOverride, global: none },
      effective: { global: null, personal: null },
      requestsPerMinute: 60,
      tokensPerMinute: null,
      spentGlobal: { dayMicrousd: 0, monthMicrousd: 0, dayTokens: 0, monthTokens: 0 },
    },
    {
      userId: 'u2',
      override: noOverride,
      effective: { global: monthly, personal: null },
      requestsPerMinute: 60,
      tokensPerMinute: null,
      spentGlobal: { dayMicrousd: 300_000, monthMicrousd: 1_200_000, dayTokens: 900, monthTokens: 4000 },
    },
  ],
  store: 'memory',
  timezone: 'Europe/Paris',
};

function renderPage(language: 'en' | 'fr' = 'en') {
  return renderWithApp(
    <SessionProvider
      initialUser={{
        id: 'u1',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        twoFactorEnabled: false,
        twoFactorRequired: false,
      }}
    >
      <AdminUsersPage />
    </SessionProvider>,
    { language },
  );
}

describe('Admin › Users budgets', () => {
  it('shows each user’s global budget against this month’s spend, and where rate limits are counted', async () => {
    mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users } }),
      'GET /api/admin/limits': () => ({ body: adminLimits }),
    });
    renderPage('fr');
    const bob = await screen.findByTestId('user-limits-u2');
    expect(bob.textContent?.replace(/\s/g, ' ')).toContain('1,20 $US / 5,00 $US par mois');
    expect(screen.getByTestId('user-limits-u1').textContent).toContain('Sans limite');
    expect(screen.getByTestId('user-limits-u1').textContent).toContain('Réglages propres');
    expect(screen.getByTestId('limits-store').textContent).toContain('mémoire de ce processus');
  });

  it('shows the operator budget against what was spent, and saves it in micro-dollars', async () => {
    const { calls } = mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users } }),
      'GET /api/admin/limits': () => ({ body: adminLimits }),
      'PUT /api/admin/operator-budget': (call) => ({
        body: { ...operatorBudgetRoute['GET /api/admin/operator-budget']().body, ...(call.body as object) },
      }),
    });
    renderPage('en');
    const spent = await screen.findByTestId('operator-budget-spent');
    expect(spent.textContent).toContain('Spent this month: $1.50 of $20.00');
    expect(spent.textContent).toContain('Spent today: $0.30 (no limit)');
    const section = within(screen.getByTestId('operator-budget'));
    await userEvent.type(section.getByLabelText('Per day (USD)'), '2.5');
    await userEvent.click(section.getByLabelText('Pause the global keys when a limit is reached'));
    await userEvent.click(section.getByRole('button', { name: 'Save the operator budget' }));
    await screen.findByText('Operator budget saved.');
    const put = calls.find((call) => call.method === 'PUT' && call.url === '/api/admin/operator-budget');
    expect(put?.body).toEqual({
      dayMicrousd: 2_500_000,
      monthMicrousd: 20_000_000,
      thresholds: [50, 80, 100],
      hardCap: true,
      spendJumpMultiple: null,
    });
  });

  it('shows what each account spent on the global keys, with a budget or without one', async () => {
    mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users } }),
      'GET /api/admin/limits': () => ({ body: adminLimits }),
    });
    renderPage('fr');
    const bob = await screen.findByTestId('user-spent-u2');
    const text = (cell: HTMLElement) => cell.textContent?.replace(/\s/g, ' ');
    expect(text(bob)).toContain('1,20 $US ce mois-ci');
    expect(text(bob)).toContain("0,30 $US aujourd'hui");
    expect(text(screen.getByTestId('user-spent-u1'))).toContain('0,00 $US ce mois-ci');
  });

  it('saves the default budgets in micro-dollars, an empty field as no limit', async () => {
    const { calls } = mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users } }),
      'GET /api/admin/limits': () => ({ body: adminLimits }),
      'PUT /api/admin/limits/default': (call) => ({
        body: { ...adminLimits.default, budgets: call.body, updatedAt: '2026-03-01T10:00:00Z' },
      }),
    });
    renderPage();
    const global = within(await screen.findByTestId('default-budget-global'));
    expect((global.getByLabelText('Per month ($)') as HTMLInputElement).value).toBe('5');
    await userEvent.type(global.getByLabelText('Per day ($)'), '0.29');
    await userEvent.clear(global.getByLabelText('Per month ($)'));
    await userEvent.type(global.getByLabelText('Per month (tokens)'), '1000000');
    const personal = within(screen.getByTestId('default-budget-personal'));
    await userEvent.type(personal.getByLabelText('Per month ($)'), '12,5');
    await userEvent.click(screen.getByRole('button', { name: 'Save the default budgets' }));
    await screen.findByText('Default budgets saved.');
    expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({
      global: { dayMicrousd: 290_000, monthMicrousd: null, dayTokens: null, monthTokens: 1_000_000 },
      personal: { dayMicrousd: null, monthMicrousd: 12_500_000, dayTokens: null, monthTokens: null },
      minUsefulOutputTokens: 256,
    });
  });

  it('refuses an amount that is not a number, naming the field', async () => {
    const { calls } = mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users } }),
      'GET /api/admin/limits': () => ({ body: adminLimits }),
    });
    renderPage();
    const personal = within(await screen.findByTestId('default-budget-personal'));
    await userEvent.type(personal.getByLabelText('Per day (tokens)'), 'lots');
    await userEvent.click(screen.getByRole('button', { name: 'Save the default budgets' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      '“Personal keys (the user pays) · Per day (tokens)” must be a number of at least 0, or empty for no limit.',
    );
    expect(calls.some((call) => call.method === 'PUT')).toBe(false);
  });

  it('gives one user their own global budget and RPM, the personal budget left to the default', async () => {
    const { calls } = mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users } }),
      'GET /api/admin/limits': () => ({ body: adminLimits }),
      'PUT /api/admin/users/u2/limits': (call) => ({
        body: { userId: 'u2', override: call.body, budgets: [], requestsPerMinute: 10, tokensPerMinute: null },
      }),
    });
    renderPage();
    const cell = await screen.findByTestId('user-limits-u2');
    await userEvent.click(within(cell).getByRole('button', { name: 'Edit the budget of Bob' }));
    const form = within(screen.getByTestId('user-limits-form-u2'));
    const [globalSet] = form.getAllByRole('group');
    const globalFields = within(globalSet as HTMLElement);
    expect((globalFields.getByLabelText('Per month ($)') as HTMLInputElement).disabled).toBe(true);
    await userEvent.click(globalFields.getByLabelText('Own budget'));
    await userEvent.clear(globalFields.getByLabelText('Per month ($)'));
    await userEvent.type(globalFields.getByLabelText('Per month ($)'), '2.5');
    await userEvent.type(form.getByLabelText('Requests per minute'), '10');
    await userEvent.click(form.getByRole('button', { name: 'Save the limits' }));
    await screen.findByText('Limits of Bob saved.');
    expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({
      global: { dayMicrousd: null, monthMicrousd: 2_500_000, dayTokens: null, monthTokens: null },
      personal: null,
      requestsPerMinute: 10,
      tokensPerMinute: null,
    });
  });
});

describe('Admin › Users accounts', () => {
  it('lists every account in a named table, and promotes one', async () => {
    const { calls } = mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users } }),
      'GET /api/admin/limits': () => ({ body: adminLimits }),
      'PATCH /api/admin/users/u2': (call) => ({ body: { ...users[1], ...(call.body as object) } }),
    });
    renderPage();
    const table = await screen.findByRole('table', { name: 'Users' });
    const rows = within(table).getAllByTestId('user-row');
    expect(rows.map((row) => row.querySelector('td')?.textContent?.trim())).toEqual(['Ada (you)', 'Bob']);
    // Nobody demotes or disables themselves.
    expect(within(rows[0] as HTMLElement).getByRole('button', { name: 'Make user' })).toHaveProperty('disabled', true);
    await userEvent.click(within(rows[1] as HTMLElement).getByRole('button', { name: 'Make admin' }));
    await screen.findByText('Bob updated.');
    expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({ role: 'admin' });
    expect(within(rows[1] as HTMLElement).getByText('Administrator')).toBeTruthy();
  });

  it('creates an account, says so and empties the form; a refusal keeps what was typed', async () => {
    let taken = false;
    const { calls } = mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users } }),
      'GET /api/admin/limits': () => ({ body: adminLimits }),
      'POST /api/admin/users': (call) => {
        if (taken) return { status: 409, body: { error: { code: 'email_taken', message: 'taken' } } };
        taken = true;
        return { status: 201, body: { ...users[1], id: 'u3', ...(call.body as object) } };
      },
    });
    renderPage();
    await screen.findByRole('table', { name: 'Users' });
    const fill = async () => {
      await userEvent.type(screen.getByLabelText('Name'), ' Cleo ');
      await userEvent.type(screen.getByLabelText('Email'), 'cleo@example.com');
      await userEvent.type(screen.getByLabelText('Password'), 'long enough password');
      await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    };
    await fill();
    await screen.findByText('Account created for cleo@example.com.');
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({
      name: 'Cleo',
      email: 'cleo@example.com',
      password: 'long enough password',
      role: 'user',
    });
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('');

    await fill();
    await screen.findByRole('alert');
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('cleo@example.com');
  });
});

describe('Admin › Users search, groups and delete', () => {
  const grouped = [users[0], { ...users[1], group: { id: 'g1', name: '3e B', role: 'member' } }];
  const groupLimits: AdminLimits = {
    ...adminLimits,
    users: adminLimits.users.map((summary) =>
      summary.userId === 'u2'
        ? {
            ...summary,
            effective: { global: { ...none, dayMicrousd: 10_000_000 }, personal: null },
            origins: { global: { dayMicrousd: { origin: 'group', name: '3e B' } }, personal: {} },
          }
        : summary,
    ),
  };

  it('shows where a budget comes from and the group, and asks the server for one page of the search', async () => {
    const { calls } = mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users: grouped, total: 2, page: 1, limit: 25 } }),
      'GET /api/admin/limits': () => ({ body: groupLimits }),
      'GET /api/admin/groups': () => ({ body: { groups: [] } }),
    });
    renderPage('fr');
    const bob = await screen.findByTestId('user-limits-u2');
    expect(bob.textContent?.replace(/\s/g, ' ')).toContain('par jour — groupe 3e B');
    expect(screen.getAllByTestId('user-row')[1]?.textContent).toContain('3e B');
    await userEvent.type(screen.getByLabelText('Rechercher (nom ou e-mail)'), 'bo');
    await vi.waitFor(() =>
      expect(calls.some((call) => call.url.includes('q=bo') && call.url.includes('limit=25'))).toBe(true),
    );
  });

  it('says what deleting an account removes before deleting it', async () => {
    const { calls } = mockFetch({
      ...operatorBudgetRoute,
      'GET /api/admin/users': () => ({ body: { users: grouped, total: 2, page: 1, limit: 25 } }),
      'GET /api/admin/limits': () => ({ body: groupLimits }),
      'GET /api/admin/groups': () => ({ body: { groups: [] } }),
      'GET /api/admin/users/u2/impact': () => ({
        body: {
          userId: 'u2',
          personalKeys: 1,
          accessTokens: 2,
          conversations: 3,
          usageRows: 40,
          group: { id: 'g1', name: '3e B', role: 'member' },
        },
      }),
      'DELETE /api/admin/users/u2': () => ({ status: 204 }),
    });
    renderPage();
    await userEvent.click(await screen.findByRole('button', { name: "Delete Bob's account" }));
    const panel = await screen.findByTestId('delete-user-panel');
    await within(panel).findByText(
      'Deleted with the account: 1 personal key, 2 access tokens, 3 conversations and 40 usage rows.',
    );
    expect(panel.textContent).toContain('“3e B”');
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
    await userEvent.click(within(panel).getByRole('button', { name: 'Delete for good' }));
    await screen.findByText("Bob's account deleted.");
    expect(calls.some((call) => call.method === 'DELETE' && call.url === '/api/admin/users/u2')).toBe(true);
  });
});

describe('Admin › Users password reset, from the row', () => {
  const routes = (emailEnabled: boolean) => ({
    ...operatorBudgetRoute,
    'GET /api/admin/users': () => ({ body: { users, total: 2, page: 1, limit: 25 } }),
    'GET /api/admin/limits': () => ({ body: adminLimits }),
    'GET /api/admin/groups': () => ({ body: { groups: [] } }),
    'GET /api/admin/account-settings': () => ({ body: { signupsPerAddressPerMinute: 10, emailEnabled } }),
    'POST /api/admin/users/u2/password-reset': (call: { body: unknown }) => ({
      body: (call.body as { password?: string }).password
        ? { passwordSet: true, url: null, emailed: false, expiresAt: null, sessionsRevoked: true }
        : {
            passwordSet: false,
            url: emailEnabled ? null : 'http://localhost/reset-password#tok',
            emailed: emailEnabled,
            expiresAt: '2026-12-01T11:00:00.000Z',
            sessionsRevoked: true,
          },
    }),
  });

  it('without SMTP, the row’s action makes a link for that user and shows it to pass on', async () => {
    const { calls } = mockFetch(routes(false));
    renderPage('fr');
    const rows = await screen.findAllByTestId('user-row');
    // Not one's own: the reset would sign this session out too.
    expect(
      within(rows[0] as HTMLElement).getByRole('button', { name: 'Réinitialiser le mot de passe de Ada' }),
    ).toHaveProperty('disabled', true);
    await userEvent.click(
      within(rows[1] as HTMLElement).getByRole('button', { name: 'Réinitialiser le mot de passe de Bob' }),
    );
    const panel = within(await screen.findByTestId('password-reset-panel'));
    expect(panel.getByRole('heading', { name: 'Réinitialiser le mot de passe de Bob' })).toBeTruthy();
    await panel.findByText(/le lien s’affichera ici, à transmettre vous-même à bob@example.com/);
    await userEvent.click(panel.getByRole('button', { name: 'Créer un lien de réinitialisation' }));
    const result = await panel.findByTestId('password-reset-result');
    expect(result.textContent).toContain('Lien de réinitialisation, valable une heure, à transmettre :');
    expect(result.textContent).toContain('http://localhost/reset-password#tok');
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ locale: 'fr' });
  });

  it('with SMTP, says the link was e-mailed; a typed password is set at once', async () => {
    const { calls } = mockFetch(routes(true));
    renderPage('en');
    const rows = await screen.findAllByTestId('user-row');
    await userEvent.click(within(rows[1] as HTMLElement).getByRole('button', { name: 'Reset the password of Bob' }));
    const panel = within(await screen.findByTestId('password-reset-panel'));
    await panel.findByText(/The link is e-mailed to bob@example.com/);
    await userEvent.click(panel.getByRole('button', { name: 'Send a reset link' }));
    expect((await panel.findByTestId('password-reset-result')).textContent).toBe(
      'Reset link sent by e-mail (works for an hour).',
    );
    await userEvent.type(panel.getByLabelText('New password'), 'a brand new password');
    await userEvent.click(panel.getByRole('button', { name: 'Set this password' }));
    await panel.findByText('Password changed; the person was signed out everywhere.');
    expect(calls.filter((call) => call.method === 'POST').map((call) => call.body)).toEqual([
      { locale: 'en' },
      { password: 'a brand new password', locale: 'en' },
    ]);
  });
});
