// The money view's arithmetic: revenue stays in its currency; the margin turns it into dollars at
// the rates the admin set (usdPerCurrency) and takes the global keys' cost away. A currency with no
// rate leaves the margin unknown rather than guessed. Pure, so it can be tested alone.
import type { CurrencyAmount, RevenueView } from '../api/types.ts';
import { minorDigits } from './billing-text.ts';

export type Margin = { ok: true; microusd: number } | { ok: false; missing: string[] };

/** Revenue less cost, in micro-dollars, or the currencies that have no rate. */
export function marginOf(
  revenue: CurrencyAmount[],
  costMicrousd: number,
  usdPerCurrency: Record<string, number>,
): Margin {
  let microusd = -costMicrousd;
  const missing: string[] = [];
  for (const { currency, amount } of revenue) {
    const code = currency.toLowerCase();
    const rate = code === 'usd' ? 1 : usdPerCurrency[code];
    if (rate === undefined) {
      if (amount !== 0 && !missing.includes(code)) missing.push(code);
      continue;
    }
    microusd += Math.round((amount / 10 ** minorDigits(code)) * rate * 1_000_000);
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, microusd };
}

/** The rates the margin used, for saying so: only those of currencies that were converted. */
export function ratesUsed(revenue: CurrencyAmount[], usdPerCurrency: Record<string, number>) {
  const codes = [...new Set(revenue.map((item) => item.currency.toLowerCase()))].filter(
    (code) => code !== 'usd' && usdPerCurrency[code] !== undefined,
  );
  return codes.sort().map((code) => ({ currency: code, rate: usdPerCurrency[code] as number }));
}

/** Subscriptions whose payment failed, those ending at their period end, and those that ended. */
export function statusCounts(users: RevenueView['users']) {
  const count = (status: string) => users.filter((user) => user.status === status).length;
  return {
    pastDue: count('past_due'),
    unpaid: count('unpaid'),
    cancelling: users.filter((user) => user.cancelAtPeriodEnd).length,
    canceled: count('canceled'),
  };
}

/** What the global keys cost for the users of the report. */
export const totalCost = (users: RevenueView['users']) => users.reduce((sum, user) => sum + user.globalCostMicrousd, 0);
