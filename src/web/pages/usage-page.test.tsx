// @vitest-environment jsdom
// The usage pages load each range chosen once, in one request (the totals and the series by day,
// by model, and by user for the admin), and nothing else makes them load again.
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UsageRow } from '../../shared/usage.ts';
import { type FetchCall, mockFetch, renderWithApp } from '../test-utils.tsx';
import { UsagePage } from './usage-page.tsx';

// Recharts measures its container; jsdom has nothing to measure with.
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}

beforeEach(() => vi.stubGlobal('ResizeObserver', NoResizeObserver));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const row = (key: string, requests: number, costMicrousd: number, extra: Partial<UsageRow> = {}): UsageRow => ({
  key,
  requests,
  errors: 0,
  inputTokens: 100 * requests,
  outputTokens: 10 * requests,
  cachedInputTokens: 0,
  costMicrousd,
  globalCostMicrousd: costMicrousd,
  personalCostMicrousd: 0,
  ...extra,
});

const series: Record<string, UsageRow[]> = {
  day: [row('2026-03-02', 3, 4_000)],
  model: [row('openai/gpt-4o-mini', 2, 1_000), row('anthropic/claude-x', 1, 3_000), row('openai/gpt-4o', 0, 0)],
  user: [row('u2', 3, 4_000, { name: 'Camille', email: 'camille@example.com' })],
};

function server(traffic: boolean) {
  return mockFetch({
    'GET /api/limits': () => ({
      body: { budgets: [], rateLimits: { requestsPerMinute: 60, tokensPerMinute: null }, timezone: 'UTC' },
    }),
    'GET /api/providers': () => ({
      body: {
        providers: [
          { id: 'openai', name: 'OpenAI', keyHint: 'sk-', models: [{ id: 'gpt-4o-mini', name: 'GPT-4o mini' }] },
          { id: 'anthropic', name: 'Anthropic', keyHint: 'sk-ant-', models: [] },
        ],
      },
    }),
    'GET /api/keys': () => ({ body: { providers: [] } }),
    'GET /api/usage/report': (call) => ({ body: report(call, traffic, false) }),
    'GET /api/admin/usage/report': (call) => ({ body: report(call, traffic, true) }),
  });
}

function report(call: FetchCall, traffic: boolean, admin: boolean) {
  const query = new URL(call.url, 'http://webox.test').searchParams;
  const rows = (groupBy: string) => (traffic ? (series[groupBy] ?? []) : []);
  const totals = traffic ? row('', 3, 4_000) : row('', 0, 0);
  return {
    from: query.get('from'),
    to: query.get('to'),
    timezone: 'Europe/Paris',
    totals,
    series: { day: rows('day'), model: rows('model'), ...(admin ? { user: rows('user') } : {}) },
  };
}

/** The usage requests made (reports and single series alike), as `path from..to`. */
const usageRequests = (calls: FetchCall[]) =>
  calls
    .filter((call) => /\/usage(\/report)?\?/.test(call.url))
    .map((call) => {
      const url = new URL(call.url, 'http://webox.test');
      return `${url.pathname} ${url.searchParams.get('from')}..${url.searchParams.get('to')}`;
    });

describe('UsagePage', () => {
  it('asks once per range chosen, one request; a language change or a re-render asks nothing', async () => {
    const { calls } = server(false);
    const { i18n } = renderWithApp(<UsagePage scope="mine" />);
    await screen.findByText('No requests in this period.');
    const first = usageRequests(calls);
    expect(first.map((request) => request.split(' ')[0])).toEqual(['/api/usage/report']);

    await userEvent.selectOptions(screen.getByLabelText('Period'), 'last7');
    await waitFor(() => expect(usageRequests(calls)).toHaveLength(2));
    const second = usageRequests(calls).slice(1);
    expect(second.map((request) => request.split(' ')[0])).toEqual(['/api/usage/report']);
    expect(second[0]?.split(' ')[1]).not.toBe(first[0]?.split(' ')[1]);

    await act(() => i18n.changeLanguage('fr'));
    await screen.findByText('Aucune requête sur cette période.');
    // Choosing the preset shown already is no new range.
    await userEvent.selectOptions(screen.getByLabelText('Période'), 'last7');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(usageRequests(calls)).toHaveLength(2);
  });

  it('gives the admin the users too, with the providers summed from the models', async () => {
    const { calls } = server(true);
    renderWithApp(<UsagePage scope="admin" />);
    const users = await screen.findByRole('table', { name: 'Per user' });
    expect(usageRequests(calls).map((request) => request.split(' ')[0])).toEqual(['/api/admin/usage/report']);
    expect(within(users).getByRole('row', { name: /camille@example.com/ }).textContent).toContain('$0.004');

    const providers = screen.getByRole('table', { name: 'By provider' });
    const providerRows = within(providers).getAllByRole('row').slice(1);
    expect(providerRows.map((item) => [...item.querySelectorAll('td')].map((cell) => cell.textContent))).toEqual([
      ['Anthropic', '1', '110', '$0.003'],
      ['OpenAI', '2', '220', '$0.001'],
    ]);
    const models = screen.getByRole('table', { name: 'By model' });
    expect(within(models).getByText('OpenAI · GPT-4o mini')).toBeTruthy();
    expect(within(models).getByText('Anthropic · claude-x')).toBeTruthy();
    // Each table exports itself from the server, for the same range; links are not requests.
    const exports = screen.getAllByRole('link', { name: 'Export CSV' }).map((link) => {
      const query = new URL(link.getAttribute('href') ?? '', 'http://webox.test').searchParams;
      return `${query.get('groupBy')} ${query.get('format')}`;
    });
    expect(exports).toEqual(['day csv', 'user csv', 'provider csv', 'model csv']);
    expect(usageRequests(calls)).toHaveLength(1);
  });
});
