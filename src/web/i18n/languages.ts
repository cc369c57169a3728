// The languages the app speaks and which one is in use. Kept apart from the i18next set-up so that
// the formatters can read the language without importing the set-up that uses them.
import i18next, { type i18n as I18n } from 'i18next';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_STORAGE_KEY = 'webox.language';

/** The current language as one of ours ('fr-FR' → 'fr'). */
export function currentLanguage(instance: I18n = i18next): Language {
  const language = (instance.resolvedLanguage ?? instance.language ?? 'en').slice(0, 2);
  return language === 'fr' ? 'fr' : 'en';
}
