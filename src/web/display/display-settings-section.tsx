// Admin › Usage's "Display: currency and time zone": the currency money is shown in and its rate
// (dollars for one unit, dated from when it is saved), and the time zone days begin in, which the
// admin's browser can suggest. The ledger and budgets stay in dollars; only what is shown changes.
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { DisplaySettingsBody, DisplaySettingsView } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { FormFooter } from '../components/form-footer.tsx';
import { Notice } from '../components/notice.tsx';
import { useFormat } from '../format.ts';
import { applyDisplaySettings } from './use-display-settings.ts';

/** The currencies offered first; any other ISO code can be typed in the box. */
const COMMON = [
  'usd',
  'eur',
  'gbp',
  'chf',
  'cad',
  'jpy',
  'aud',
  'sek',
  'nok',
  'dkk',
  'pln',
  'cny',
  'inr',
  'brl',
  'mxn',
];

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const zones = () => Intl.supportedValuesOf('timeZone');

type Message = { kind: 'success' | 'error'; text: string; field?: 'rate' | 'currency' };

export function DisplaySettingsSection() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const id = useId();
  const messageId = `${id}-message`;
  const [settings, setSettings] = useState<DisplaySettingsView | null>(null);
  const [currency, setCurrency] = useState('usd');
  const [rate, setRate] = useState('');
  const [timeZone, setTimeZone] = useState('');
  const [message, setMessage] = useState<Message | null>(null);
  const [saving, setSaving] = useState(false);

  const show = useCallback((view: DisplaySettingsView) => {
    setSettings(view);
    setCurrency(view.currency);
    setRate(view.rate ? String(view.rate.usdPerUnit) : '');
    setTimeZone(view.timeZone);
  }, []);

  // Read once: not again on a change of language (the layout's own read redraws as one), which
  // would put back what the admin is typing.
  const [loadError, setLoadError] = useState<unknown>(null);
  useEffect(() => {
    api.displaySettings().then(show, setLoadError);
  }, [show]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!settings) return;
    setMessage(null);
    const code = currency.trim().toLowerCase();
    if (!/^[a-z]{3}$/.test(code)) {
      setMessage({ kind: 'error', text: t('display.invalidCurrency'), field: 'currency' });
      return;
    }
    const body: DisplaySettingsBody = {};
    if (code !== settings.currency) body.currency = code;
    if (code !== 'usd') {
      const value = Number(rate.trim().replace(',', '.'));
      if (!rate.trim() || !Number.isFinite(value) || value <= 0) {
        setMessage({ kind: 'error', text: t('display.invalidRate', { currency: code.toUpperCase() }), field: 'rate' });
        return;
      }
      if (body.currency || value !== settings.rate?.usdPerUnit) {
        body.currency = code;
        body.usdPerUnit = value;
      }
    }
    if (timeZone !== settings.timeZone || !settings.timeZoneChosen) body.timeZone = timeZone;
    if (Object.keys(body).length === 0) {
      setMessage({ kind: 'success', text: t('display.saved') });
      return;
    }
    setSaving(true);
    try {
      const saved = await api.saveDisplaySettings(body);
      show(saved);
      applyDisplaySettings(i18n, saved);
      setMessage({ kind: 'success', text: t('display.saved') });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setSaving(false);
    }
  };

  const refused = message?.kind === 'error' ? message.field : undefined;
  const code = currency.trim().toLowerCase();
  const detected = browserZone();
  const zoneList = zones().includes(timeZone) || !timeZone ? zones() : [timeZone, ...zones()];

  return (
    <section className="card" id="display-settings" aria-labelledby={`${id}-title`} data-testid="display-settings">
      <h2 id={`${id}-title`}>{t('display.title')}</h2>
      <p className="muted">{t('display.intro')}</p>
      {loadError !== null && <Notice kind="error">{errorMessage(t, loadError)}</Notice>}
      {settings === null ? (
        loadError === null && <p role="status">{t('app.loading')}</p>
      ) : (
        <form onSubmit={save} noValidate className="form-stack">
          <Field
            label={t('display.currency')}
            hint={t('display.currencyHint')}
            errorId={refused === 'currency' ? messageId : null}
          >
            {(control) => (
              <>
                <input
                  {...control}
                  list={`${id}-currencies`}
                  size={6}
                  maxLength={3}
                  autoComplete="off"
                  value={currency.toUpperCase()}
                  onChange={(event) => setCurrency(event.target.value.toLowerCase())}
                />
                <datalist id={`${id}-currencies`}>
                  {COMMON.map((item) => (
                    <option key={item} value={item.toUpperCase()} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          {code !== 'usd' && (
            <Field
              label={t('display.rate', { currency: /^[a-z]{3}$/.test(code) ? code.toUpperCase() : '…' })}
              hint={
                settings.rate && code === settings.currency
                  ? t('display.rateSince', { date: format.dateTime(settings.rate.since) })
                  : t('display.rateHint')
              }
              errorId={refused === 'rate' ? messageId : null}
            >
              {(control) => (
                <input
                  {...control}
                  inputMode="decimal"
                  size={10}
                  value={rate}
                  onChange={(event) => setRate(event.target.value)}
                />
              )}
            </Field>
          )}
          <Field
            label={t('display.timeZone')}
            hint={
              settings.timeZoneChosen
                ? t('display.timeZoneHint')
                : t('display.timeZoneDefault', { zone: settings.timeZone })
            }
          >
            {(control) => (
              <select {...control} value={timeZone} onChange={(event) => setTimeZone(event.target.value)}>
                {zoneList.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {detected && detected !== timeZone && (
            <div>
              <button type="button" className="button button-ghost" onClick={() => setTimeZone(detected)}>
                {t('display.useBrowserZone', { zone: detected })}
              </button>
            </div>
          )}
          <FormFooter message={message} messageId={messageId} saving={saving} label={t('display.save')} />
        </form>
      )}
    </section>
  );
}
