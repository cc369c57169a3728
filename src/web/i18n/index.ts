// French and English: the browser's language by default, the user's choice remembered in
// localStorage. Every string the app shows lives in fr.json / en.json.
import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { formatMoney } from '../format.ts';
import en from './en.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };
import { currentLanguage, LANGUAGE_STORAGE_KEY, LANGUAGES, type Language } from './languages.ts';

export const resources = { en: { translation: en }, fr: { translation: fr } } as const;

export function initI18n(options: { language?: Language } = {}) {
  const instance = i18next.createInstance();
  if (!options.language) instance.use(LanguageDetector);
  instance.use(initReactI18next);
  void instance.init({
    resources,
    lng: options.language,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: LANGUAGE_STORAGE_KEY,
      caches: ['localStorage'],
    },
    initAsync: false,
    returnNull: false,
  });
  // Formats the translations use ({{amount, money}}, {{at, when}}), in the language of the text.
  instance.services.formatter?.add('money', (value, language) => formatMoney(Number(value), language ?? 'en'));
  instance.services.formatter?.add('when', (value, language) =>
    new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(String(value))),
  );
  const syncDocument = () => {
    if (typeof document !== 'undefined') document.documentElement.lang = currentLanguage(instance);
  };
  syncDocument();
  instance.on('languageChanged', syncDocument);
  return instance;
}
