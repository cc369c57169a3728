// @vitest-environment jsdom
// The wait after Checkout gives up after its reads, keeps trying through a failed read, and does
// nothing without ?checkout.
import { cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderHookWithApp } from '../test-utils.tsx';
import { billingOf } from './billing-fixtures.ts';
import { useCheckoutReturn } from './use-checkout-return.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('useCheckoutReturn', () => {
  it('stops waiting after its reads when Stripe never confirms, a failed read counting as one', async () => {
    let reads = 0;
    const { calls } = mockFetch({
      'GET /api/billing': () =>
        reads++ === 0
          ? { status: 503, body: { error: { code: 'internal_error', message: '' } } }
          : { body: billingOf() },
    });
    const onBilling = vi.fn();
    const { result } = renderHookWithApp(() => useCheckoutReturn({ onBilling, intervalMs: 1, attempts: 3 }), {
      path: '/profile?checkout=success',
    });
    expect(result.current).toBe('waiting');
    await waitFor(() => expect(result.current).toBe('timeout'));
    expect(calls).toHaveLength(3);
    expect(onBilling).toHaveBeenCalledTimes(2);
  });

  it('reads nothing without a checkout to come back from', () => {
    const { calls } = mockFetch({});
    const { result } = renderHookWithApp(() => useCheckoutReturn({ onBilling: vi.fn() }), { path: '/profile' });
    expect(result.current).toBeNull();
    expect(calls).toHaveLength(0);
  });
});
