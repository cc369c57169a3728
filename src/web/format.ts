// Dates and numbers in the reader's language.
import { useTranslation } from 'react-i18next';
import { currentLanguage } from './i18n/index.ts';

const locales = { fr: 'fr-FR', en: 'en-US' } as const;

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
  };
}
