// An alert's words in the page's language (shared/alert-words.ts: the same words as the e-mails
// and webhooks), money in the display currency.
import { useTranslation } from 'react-i18next';
import { alertWords } from '../../shared/alert-words.ts';
import type { AlertView } from '../../shared/alerts.ts';
import { formatMoney } from '../format.ts';
import { currentLanguage } from '../i18n/languages.ts';

const locales = { fr: 'fr-FR', en: 'en-US' } as const;

export function useAlertWords() {
  const { i18n } = useTranslation();
  const language = currentLanguage(i18n);
  return (alert: Pick<AlertView, 'kind' | 'provider' | 'details'>) =>
    alertWords(alert, language, (microusd) => formatMoney(microusd, locales[language]));
}
