// The margin at the admin's rates, unknown when a currency has none; counts from the statuses.
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../format.ts';
import { initI18n } from '../i18n/index.ts';
import { marginText } from './money-text.ts';
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
  it('counts past-due, unpaid, cancelling and cancelled subscriptions', () => {
    const user = (status: 'past_due' | 'active' | 'canceled', cancelAtPeriodEnd = false) => ({
      userId: status,
      plan: null,
      status,
      cancelAtPeriodEnd,
      revenue: [],
      globalCostMicrousd: 0,
    });
    expect(statusCounts([user('past_due'), user('active', true), user('canceled'), user('past_due')])).toEqual({
      pastDue: 2,
      unpaid: 0,
      cancelling: 1,
      canceled: 1,
    });
  });
});

describe('marginText', () => {
  const t = initI18n({ language: 'en' }).t;
  const money = (microusd: number) => formatMoney(microusd, 'en-US');

  it('writes a loss with its sign, a tiny one as a bound, and a missing rate in words', () => {
    expect(marginText(t, { ok: true, microusd: 5_800_000 }, money)).toBe('$5.80');
    expect(marginText(t, { ok: true, microusd: -2_100_000 }, money)).toBe('−$2.10');
    expect(marginText(t, { ok: true, microusd: -12 }, money)).toBe('> −$0.0001');
    expect(marginText(t, { ok: false, missing: ['eur', 'gbp'] }, money)).toBe('no rate set for EUR, GBP');
  });
});
