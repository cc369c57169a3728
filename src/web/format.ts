// Money, dates and numbers in the reader's language: formatMoney for any locale (the i18n set-up's
// {{amount, money}} uses it), in the display currency the admin chose, and useFormat, every
// formatter bound to the current language.
import { useTranslation } from 'react-i18next';
import { type DisplayCurrency, DOLLARS, formatMoneyIn } from '../shared/money-format.ts';
import { currentLanguage } from './i18n/languages.ts';

const locales = { fr: 'fr-FR', en: 'en-US' } as const;

export type { DisplayCurrency };

let shown: DisplayCurrency = DOLLARS;

/** Every amount formatted from now on is in this currency (the layout sets it once signed in). */
export function setDisplayCurrency(display: DisplayCurrency | null): void {
  shown = display && display.usdPerUnit > 0 ? display : DOLLARS;
}

export const displayCurrency = (): DisplayCurrency => shown;

/** The operator's time zone (GET /api/settings/display); the browser's until it is read. */
let shownZone: string | undefined;

export function setDisplayTimeZone(zone: string | null | undefined): void {
  shownZone = zone || undefined;
}

export const displayTimeZone = (): string | undefined => shownZone;

/**
 * Money from micro-dollars (what the ledger and budgets hold) in the display currency at its rate,
 * with cents, or more digits for amounts under one unit. The one formatter of amounts in the app:
 * the i18n set-up's {{amount, money}} and useFormat().money both call it.
 */
export function formatMoney(microusd: number, locale: string, display: DisplayCurrency = shown): string {
  return formatMoneyIn(microusd, locale, display);
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
    /** An instant in the operator's time zone (the journal's and security events' times). */
    zonedDateTime: (value: string | null | undefined) =>
      value
        ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: shownZone }).format(
            new Date(value),
          )
        : '',
    number: (value: number) => new Intl.NumberFormat(locale).format(value),
    list: (values: string[]) => new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(values),
    money: (microusd: number) => formatMoney(microusd, locale),
  };
}
