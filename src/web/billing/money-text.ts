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
  if (margin.ok) return margin.microusd < 0 ? `−${money(-margin.microusd)}` : money(margin.microusd);
  return t('money.noRate', { currencies: margin.missing.map((code) => code.toUpperCase()).join(', ') });
}
