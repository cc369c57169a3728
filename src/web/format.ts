// Money, dates and numbers in the reader's language: formatMoney for any locale (the i18n set-up's
// {{amount, money}} uses it), and useFormat, every formatter bound to the current language.
import { useTranslation } from 'react-i18next';
import { currentLanguage } from './i18n/languages.ts';

const locales = { fr: 'fr-FR', en: 'en-US' } as const;

/** Dollars from micro-dollars, with cents, or more digits for amounts under a dollar. */
export function formatMoney(microusd: number, locale: string): string {
  const dollars = microusd / 1_000_000;
  const small = dollars !== 0 && Math.abs(dollars) < 1;
  const money = (value: number) =>
    new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: 'USD',
      minimumFractionDigits: 2,
      maximumFractionDigits: small ? 4 : 2,
    }).format(value);
  // A few micro-dollars are not nothing: say so rather than print $0.00.
  if (dollars > 0 && dollars < 0.0001) return `< ${money(0.0001)}`;
  return money(dollars);
}

export function useFormat() {
  const { i18n } = useTranslation();
  const locale = locales[currentLanguage(i18n)];
  return {
    locale,
    date: (value: string | null | undefined) =>
      value ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(value)) : '',
    dateTime: (value: string | null | undefined) =>
      value ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value)) : '',
    number: (value: number) => new Intl.NumberFormat(locale).format(value),
    list: (values: string[]) => new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(values),
    money: (microusd: number) => formatMoney(microusd, locale),
  };
}
