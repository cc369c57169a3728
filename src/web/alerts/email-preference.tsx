// "Alerts by e-mail" for the signed-in account: a checkbox and the e-mails' language, saved at once.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/error-messages.ts';
import { Notice } from '../components/notice.tsx';
import { type AlertPreferences, alertsApi } from './alerts-api.ts';

export function EmailPreference() {
  const { t } = useTranslation();
  const [preferences, setPreferences] = useState<AlertPreferences | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    alertsApi
      .preferences()
      .then(setPreferences, (error) => setMessage({ kind: 'error', text: errorMessage(t, error) }));
  }, [t]);

  const save = async (change: { email: boolean; locale?: 'fr' | 'en' }) => {
    setBusy(true);
    setMessage(null);
    try {
      setPreferences(await alertsApi.savePreferences(change));
      setMessage({ kind: 'success', text: t('alerts.preferenceSaved') });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card form-stack" aria-labelledby="alert-email-title">
      <h2 id="alert-email-title">{t('alerts.emailTitle')}</h2>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {preferences && !preferences.emailAvailable && <p className="muted">{t('alerts.emailUnavailable')}</p>}
      {preferences && (
        <>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={preferences.email}
              disabled={busy || !preferences.emailAvailable}
              onChange={(event) => void save({ email: event.target.checked })}
            />
            <span>{t('alerts.emailChoice')}</span>
          </label>
          <label className="field">
            <span>{t('alerts.emailLanguage')}</span>
            <select
              value={preferences.locale}
              disabled={busy || !preferences.emailAvailable}
              onChange={(event) =>
                void save({ email: preferences.email, locale: event.target.value === 'en' ? 'en' : 'fr' })
              }
            >
              <option value="fr">Français</option>
              <option value="en">English</option>
            </select>
          </label>
        </>
      )}
    </section>
  );
}
