// The money view's figures in words: amounts in several currencies, and a margin (or why it is unknown).
import type { TFunction } from 'i18next';
import type { CurrencyAmount } from '../api/types.ts';
import { formatPrice } from './billing-text.ts';
import type { Margin } from './revenue-figures.ts';

/** "90,00 € · 25,00 $US", or "—" for nothing. */
export function amountsText(amounts: CurrencyAmount[], locale: string): string {
  const shown = amounts.filter((item) => item.amount !== 0);
  return shown.length === 0 ? '—' : shown.map((item) => formatPrice(item.amount, item.currency, locale)).join(' · ');
}

/** The margin in dollars, or "no rate set for EUR". */
export function marginText(t: TFunction, margin: Margin, money: (microusd: number) => string): string {
  if (!margin.ok) return marginMissing(t, margin.missing);
  if (margin.microusd >= 0) return money(margin.microusd);
  // A loss of a few micro-dollars reads "< $0.0001" as an amount: as a loss it is "> −$0.0001".
  const loss = money(-margin.microusd);
  return loss.startsWith('< ') ? `> −${loss.slice(2)}` : `−${loss}`;
}

function marginMissing(t: TFunction, missing: string[]): string {
  return t('money.noRate', { currencies: missing.map((code) => code.toUpperCase()).join(', ') });
}
