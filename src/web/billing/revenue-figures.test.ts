// The margin at the admin's rates, unknown when a currency has none; counts from the statuses.
import { describe, expect, it } from 'vitest';
import { marginOf, ratesUsed, statusCounts } from './revenue-figures.ts';

describe('marginOf', () => {
  it('converts each currency at the admin’s rate, dollars as they are, and takes the cost away', () => {
    const revenue = [
      { currency: 'eur', amount: 1000 },
      { currency: 'usd', amount: 500 },
      { currency: 'jpy', amount: 1000 },
    ];
    // 10 € × 1.08 + 5 $ + ¥1000 × 0.0067 − 3 $ = 19.5 $
    expect(marginOf(revenue, 3_000_000, { eur: 1.08, jpy: 0.0067 })).toEqual({ ok: true, microusd: 19_500_000 });
  });

  it('names the currencies without a rate instead of guessing', () => {
    expect(
      marginOf(
        [
          { currency: 'eur', amount: 900 },
          { currency: 'gbp', amount: 0 },
        ],
        0,
        {},
      ),
    ).toEqual({
      ok: false,
      missing: ['eur'],
    });
    expect(marginOf([], 2_000_000, {})).toEqual({ ok: true, microusd: -2_000_000 });
  });

  it('says which rates it used', () => {
    expect(
      ratesUsed(
        [
          { currency: 'eur', amount: 1 },
          { currency: 'usd', amount: 1 },
        ],
        { eur: 1.08, gbp: 1.3 },
      ),
    ).toEqual([{ currency: 'eur', rate: 1.08 }]);
  });
});

describe('statusCounts', () => {
  it('counts past-due, unpaid and cancelled subscriptions', () => {
    const user = (status: 'past_due' | 'active' | 'canceled') => ({
      userId: status,
      plan: null,
      status,
      revenue: [],
      globalCostMicrousd: 0,
    });
    expect(statusCounts([user('past_due'), user('active'), user('canceled'), user('past_due')])).toEqual({
      pastDue: 2,
      unpaid: 0,
      canceled: 1,
    });
  });
});
