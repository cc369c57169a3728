// Money from micro-dollars in a display currency at its rate: the one formatter of amounts, used by
// the web app (src/web/format.ts binds it to the currency it read) and by the server's alert
// e-mails and webhooks, so an amount reads the same wherever it is shown.

/** The currency money is shown in and its rate (GET /api/settings/display). */
export interface DisplayCurrency {
  /** Lowercase ISO 4217. */
  currency: string;
  /** Dollars per unit of the currency (1 for usd). */
  usdPerUnit: number;
}

export const DOLLARS: DisplayCurrency = { currency: 'usd', usdPerUnit: 1 };

/** With cents, or more digits for amounts under one unit. */
export function formatMoneyIn(microusd: number, locale: string, display: DisplayCurrency): string {
  const amount = microusd / 1_000_000 / display.usdPerUnit;
  const small = amount !== 0 && Math.abs(amount) < 1;
  const money = (value: number) =>
    new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: display.currency.toUpperCase(),
      minimumFractionDigits: 2,
      maximumFractionDigits: small ? 4 : 2,
    }).format(value);
  // A few micro-dollars are not nothing: say so rather than print $0.00.
  if (amount > 0 && amount < 0.0001) return `< ${money(0.0001)}`;
  return money(amount);
}
