// @vitest-environment jsdom
// A range left before its report arrived never replaces the report of the range chosen since, and a
// failure is kept as the error, the last report staying on screen.
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderHookWithApp } from '../test-utils.tsx';
import { useUsageReport } from './use-usage-report.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const totals = (requests: number) => ({
  requests,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  costMicrousd: 0,
  globalCostMicrousd: 0,
  personalCostMicrousd: 0,
});

/** A fetch whose answers the test releases, per range (`from`), in the order it likes. */
function heldFetch() {
  const held = new Map<string, Array<(response: Response) => void>>();
  const urls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL) => {
      const url = String(input);
      urls.push(url);
      const from = new URL(url, 'http://webox.test').searchParams.get('from') ?? '';
      return new Promise<Response>((resolve) => held.set(from, [...(held.get(from) ?? []), resolve]));
    }),
  );
  return {
    urls,
    release(from: string, status: number, requests: number) {
      for (const resolve of held.get(from) ?? []) {
        const body =
          status === 200
            ? { from, to: from, timezone: 'UTC', totals: totals(requests), series: { day: [], model: [] } }
            : { error: { code: 'internal_error', message: 'down' } };
        resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
      }
      held.delete(from);
    },
  };
}

type Range = { from: string; to: string };

describe('useUsageReport', () => {
  it('keeps the report of the range chosen last, whatever order the answers come in', async () => {
    const server = heldFetch();
    const { result, rerender } = renderHookWithApp((range: Range) => useUsageReport('mine', range), {
      initialProps: { from: '2026-01-01', to: '2026-01-01' },
    });
    rerender({ from: '2026-02-01', to: '2026-02-01' });
    expect(server.urls).toHaveLength(2);
    await act(async () => server.release('2026-02-01', 200, 2));
    await waitFor(() => expect(result.current.report?.totals.requests).toBe(2));
    await act(async () => server.release('2026-01-01', 200, 1));
    expect(result.current.report?.totals.requests).toBe(2);
    // The same range again is no new load.
    rerender({ from: '2026-02-01', to: '2026-02-01' });
    expect(server.urls).toHaveLength(2);
  });

  it('keeps the last report when the next range fails, with the error to show', async () => {
    const server = heldFetch();
    const { result, rerender } = renderHookWithApp((range: Range) => useUsageReport('admin', range), {
      initialProps: { from: '2026-01-01', to: '2026-01-01' },
    });
    expect(server.urls.map((url) => url.split('?')[0])).toEqual(['/api/admin/usage/report']);
    await act(async () => server.release('2026-01-01', 200, 1));
    await waitFor(() => expect(result.current.report?.byUser).toEqual([]));
    rerender({ from: '2026-02-01', to: '2026-02-01' });
    await act(async () => server.release('2026-02-01', 500, 0));
    await waitFor(() => expect(result.current.error).not.toBeNull());
    expect(result.current.report?.totals.requests).toBe(1);
  });
});
