// @vitest-environment jsdom
// The journal page: every action has words in both languages, the filters come from the address
// and go to the API as they are, rows show in words, paging follows the cursor, the CSV link
// carries the same filters, and the retention form saves. The profile's security events read as
// sentences.
import { cleanup, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_TARGET_KINDS, type AuditEventView } from '../../shared/audit.ts';
import { ACTION_GROUPS, detailsText, shortAgent } from '../audit/audit-words.ts';
import { SecurityEvents } from '../audit/security-events.tsx';
import en from '../i18n/en.json' with { type: 'json' };
import fr from '../i18n/fr.json' with { type: 'json' };
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { AdminAuditPage } from './admin-audit-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const event = (id: string, extra: Partial<AuditEventView> = {}): AuditEventView => ({
  id,
  at: '2026-12-03T13:02:00.000Z',
  action: 'key.personal.replaced',
  outcome: 'success',
  actor: {
    userId: 'u1',
    email: 'camille@example.com',
    ip: '192.0.2.4',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0) Firefox/133.0',
  },
  target: { kind: 'provider_key', id: 'k1' },
  subjectUserId: 'u1',
  details: { provider: 'anthropic' },
  ...extra,
});

const providers = { providers: [{ id: 'anthropic', name: 'Anthropic', keyHint: 'sk-ant-', models: [] }] };

describe('the journal in words', () => {
  it('names every action, group and target kind in French and English', () => {
    for (const language of [fr, en]) {
      for (const action of AUDIT_ACTIONS) {
        const key = action.replaceAll('.', '_') as keyof typeof language.audit.actions;
        expect(language.audit.actions[key], action).toBeTruthy();
        expect(language.audit.yours[key], action).toBeTruthy();
      }
      for (const group of ACTION_GROUPS)
        expect(language.audit.groups[group as keyof typeof language.audit.groups]).toBeTruthy();
      for (const kind of AUDIT_TARGET_KINDS) expect(language.audit.kinds[kind]).toBeTruthy();
    }
  });

  it('shortens user agents', () => {
    expect(shortAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe(
      'Firefox 133 · Windows',
    );
    expect(shortAgent('curl/8.5.0')).toBe('curl 8');
    expect(shortAgent(null)).toBe('');
  });

  it('tells the details in words', () => {
    const t = ((key: string, values: Record<string, unknown>) =>
      `${key}(${Object.values(values).join(',')})`) as unknown as Parameters<typeof detailsText>[0];
    expect(
      detailsText(t, { provider: 'anthropic', retentionDays: 500, note: null, extra: 'x' }, () => 'Anthropic'),
    ).toBe('audit.detail.provider(Anthropic) · audit.detail.retentionDays(500) · audit.detail.other(extra,x)');
  });
});

describe('AdminAuditPage', () => {
  it('asks with the filters of the address, shows rows in words, pages, links the same CSV', async () => {
    const { calls } = mockFetch({
      'GET /api/providers': () => ({ body: providers }),
      'GET /api/keys': () => ({ body: { providers: [] } }),
      'GET /api/admin/audit/settings': () => ({
        body: { retentionDays: 400, defaultDays: 400, minDays: 365, maxDays: 3650 },
      }),
      'GET /api/admin/audit': (call) => {
        const cursor = new URL(call.url, 'http://x').searchParams.get('cursor');
        return cursor === 'second'
          ? {
              body: {
                events: [
                  event('e3', {
                    action: 'signin.failed',
                    outcome: 'failure',
                    actor: { userId: null, email: null, ip: '203.0.113.9', userAgent: null },
                  }),
                ],
                nextCursor: null,
              },
            }
          : {
              body: {
                events: [event('e1'), event('e2', { action: 'token.created', details: {} })],
                nextCursor: 'second',
              },
            };
      },
    });
    renderWithApp(<AdminAuditPage />, { language: 'fr', path: '/admin/audit?action=key.&outcome=success&x=1' });
    await screen.findByRole('heading', { level: 1, name: fr.audit.title });
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(2));
    const auditCalls = () => calls.filter((call) => call.url.startsWith('/api/admin/audit?'));
    expect(Object.fromEntries(new URL(auditCalls()[0]?.url ?? '', 'http://x').searchParams)).toEqual({
      action: 'key.',
      outcome: 'success',
      limit: '50',
    });
    expect(screen.getAllByTestId('audit-action').map((cell) => cell.textContent)).toEqual([
      fr.audit.actions.key_personal_replaced,
      fr.audit.actions.token_created,
    ]);
    expect(screen.getByText('fournisseur Anthropic')).toBeTruthy();
    expect(screen.getAllByText('Firefox 133 · Windows').length).toBeGreaterThan(0);
    const csv = screen.getByRole('link', { name: fr.audit.exportCsv }).getAttribute('href') ?? '';
    expect(Object.fromEntries(new URL(csv, 'http://x').searchParams)).toEqual({
      action: 'key.',
      outcome: 'success',
      format: 'csv',
      lang: 'fr',
    });
    await userEvent.click(screen.getByRole('button', { name: fr.audit.next }));
    await waitFor(() =>
      expect(screen.getAllByTestId('audit-action').map((cell) => cell.textContent)).toEqual([
        fr.audit.actions.signin_failed,
      ]),
    );
    expect(screen.getByText(fr.audit.unknownVisitor)).toBeTruthy();
    expect(new URL(auditCalls().at(-1)?.url ?? '', 'http://x').searchParams.get('cursor')).toBe('second');
  });

  it('saves the retention', async () => {
    const { calls } = mockFetch({
      'GET /api/providers': () => ({ body: providers }),
      'GET /api/keys': () => ({ body: { providers: [] } }),
      'GET /api/admin/audit': () => ({ body: { events: [], nextCursor: null } }),
      'GET /api/admin/audit/settings': () => ({
        body: { retentionDays: 400, defaultDays: 400, minDays: 365, maxDays: 3650 },
      }),
      'PUT /api/admin/audit/settings': () => ({
        body: { retentionDays: 730, defaultDays: 400, minDays: 365, maxDays: 3650 },
      }),
    });
    renderWithApp(<AdminAuditPage />, { language: 'en', path: '/admin/audit' });
    const input = await screen.findByLabelText(en.audit.retentionDays);
    await userEvent.clear(input);
    await userEvent.type(input, '730');
    await userEvent.click(screen.getByRole('button', { name: en.audit.retentionSave }));
    await screen.findByText('Events are now kept 730 days.');
    const put = calls.find((call) => call.method === 'PUT');
    expect(put?.body).toEqual({ retentionDays: 730 });
  });
});

describe('SecurityEvents', () => {
  it('tells each event as a sentence, with the address only when it is the user’s', async () => {
    mockFetch({
      'GET /api/me/security-events': () => ({
        body: {
          events: [
            {
              id: 'a',
              at: '2026-12-03T13:02:00.000Z',
              action: 'key.personal.replaced',
              outcome: 'success',
              by: 'you',
              ip: '192.0.2.4',
              userAgent: null,
              target: null,
              details: { provider: 'anthropic' },
            },
            {
              id: 'b',
              at: '2026-12-02T09:00:00.000Z',
              action: 'account.role_changed',
              outcome: 'success',
              by: 'admin',
              ip: null,
              userAgent: null,
              target: null,
              details: {},
            },
          ],
          nextCursor: null,
        },
      }),
    });
    renderWithApp(<SecurityEvents catalog={{ providers: providers.providers, keys: [] } as never} />, {
      language: 'fr',
    });
    const items = await screen.findAllByTestId('security-event');
    expect(items[0]?.textContent).toMatch(
      /^Votre clé Anthropic personnelle a été remplacée le .+ depuis 192\.0\.2\.4$/,
    );
    expect(items[1]?.textContent).toMatch(/^Votre rôle a été modifié le .+ par un administrateur$/);
  });
});
