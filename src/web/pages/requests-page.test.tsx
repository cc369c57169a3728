// @vitest-environment jsdom
// The request log page: the filters come from the address and go to the API as they are, paging
// goes forward with the API's cursor and back through the cursors seen, the CSV link carries the
// same filters and the page's language.
import { cleanup, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestLogRow } from '../../shared/request-log.ts';
import fr from '../i18n/fr.json' with { type: 'json' };
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { RequestsPage } from './requests-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const row = (id: string, extra: Partial<RequestLogRow> = {}): RequestLogRow => ({
  id,
  at: '2026-03-10T10:00:00.000Z',
  user: { id: 'u1', name: 'Camille', email: 'camille@example.com' },
  provider: 'openai',
  model: 'gpt-4o-mini',
  source: 'global',
  inputTokens: 100,
  outputTokens: 20,
  costMicrousd: 1_500,
  latencyMs: 420,
  status: 200,
  error: null,
  estimated: false,
  unpriced: false,
  ...extra,
});

function server() {
  return mockFetch({
    'GET /api/providers': () => ({
      body: { providers: [{ id: 'openai', name: 'OpenAI', keyHint: 'sk-', models: [] }] },
    }),
    'GET /api/keys': () => ({ body: { providers: [] } }),
    'GET /api/admin/requests': (call) => {
      const cursor = new URL(call.url, 'http://x').searchParams.get('cursor');
      return cursor === 'second'
        ? { body: { requests: [row('r3', { status: 502, error: 'provider_error' })], nextCursor: null } }
        : { body: { requests: [row('r1'), row('r2')], nextCursor: 'second' } };
    },
  });
}

describe('RequestsPage', () => {
  it('asks with the filters of the address, pages forward and back, and links the same CSV', async () => {
    const { calls } = server();
    renderWithApp(<RequestsPage scope="admin" />, {
      language: 'fr',
      path: '/admin/requests?user=u1&status=failed&x=1',
    });
    await screen.findByRole('heading', { level: 1, name: fr.requests.adminTitle });
    await waitFor(() => expect(screen.getAllByTestId('request-row')).toHaveLength(2));
    const logCalls = () => calls.filter((call) => call.url.startsWith('/api/admin/requests'));
    const first = new URL(logCalls()[0]?.url ?? '', 'http://x').searchParams;
    expect(Object.fromEntries(first)).toEqual({ user: 'u1', status: 'failed', limit: '50' });
    expect(screen.getByLabelText(fr.requests.user)).toHaveProperty('value', 'u1');
    const csv = screen.getByRole('link', { name: fr.requests.exportCsv }).getAttribute('href') ?? '';
    expect(Object.fromEntries(new URL(csv, 'http://x').searchParams)).toEqual({
      user: 'u1',
      status: 'failed',
      format: 'csv',
      lang: 'fr',
    });

    const previous = screen.getByRole('button', { name: fr.requests.previous });
    expect(previous).toHaveProperty('disabled', true);
    await userEvent.click(screen.getByRole('button', { name: fr.requests.next }));
    await screen.findByText('provider_error');
    expect(new URL(logCalls().at(-1)?.url ?? '', 'http://x').searchParams.get('cursor')).toBe('second');
    expect(screen.getByRole('button', { name: fr.requests.next })).toHaveProperty('disabled', true);
    await userEvent.click(screen.getByRole('button', { name: fr.requests.previous }));
    await waitFor(() => expect(screen.getAllByTestId('request-row')).toHaveLength(2));
    expect(new URL(logCalls().at(-1)?.url ?? '', 'http://x').searchParams.get('cursor')).toBeNull();
  });
});
