// The display settings (GET /api/settings/display), read once the user is signed in and again
// after an admin saves them: every amount the app writes is then in the display currency at its
// rate (format.ts). Components that wrote amounts before the answer came are drawn again, as on a
// change of language (each one reads its texts through useTranslation).
import type { i18n as I18n } from 'i18next';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { DisplaySettingsView } from '../api/types.ts';
import { setDisplayCurrency, setDisplayTimeZone } from '../format.ts';

/** Takes the settings into the formatter and redraws what shows money. */
export function applyDisplaySettings(i18n: I18n, display: DisplaySettingsView): void {
  setDisplayCurrency(display.rate ? { currency: display.currency, usdPerUnit: display.rate.usdPerUnit } : null);
  setDisplayTimeZone(display.timeZone);
  i18n.emit('languageChanged', i18n.language);
}

export function useDisplaySettings(userId: string | undefined): void {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (!userId) return;
    let current = true;
    api.displaySettings().then(
      (display) => current && applyDisplaySettings(i18n, display),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [userId, i18n]);
}
