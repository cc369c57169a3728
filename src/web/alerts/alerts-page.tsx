// /alerts: the signed-in user's alerts, newest first (admins: the admins' alerts and their own),
// each in words, with "mark read" one by one or all at once, a "more" button for older pages, and
// the account's e-mail choice.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertView } from '../../shared/alerts.ts';
import { errorMessage } from '../api/error-messages.ts';
import { Notice } from '../components/notice.tsx';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { useFormat } from '../format.ts';
import { useAlertWords } from './alert-text.ts';
import { alertsApi } from './alerts-api.ts';
import { EmailPreference } from './email-preference.tsx';

const PAGE = 20;

export function AlertsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('alerts.title'));
  const words = useAlertWords();
  const format = useFormat();
  const [alerts, setAlerts] = useState<AlertView[] | null>(null);
  const [unread, setUnread] = useState(0);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const list = await alertsApi.list({ limit: PAGE });
      setAlerts(list.alerts);
      setUnread(list.unread);
      setNextCursor(list.nextCursor);
      setError(null);
    } catch (caught) {
      setError(errorMessage(t, caught));
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const more = async () => {
    if (!nextCursor) return;
    try {
      const list = await alertsApi.list({ cursor: nextCursor, limit: PAGE });
      setAlerts((shown) => [...(shown ?? []), ...list.alerts]);
      setUnread(list.unread);
      setNextCursor(list.nextCursor);
    } catch (caught) {
      setError(errorMessage(t, caught));
    }
  };

  const markRead = async (body: { ids: string[] } | { all: true }) => {
    setBusy(true);
    try {
      await alertsApi.markRead(body);
      setAlerts((shown) =>
        (shown ?? []).map((alert) => ('all' in body || body.ids.includes(alert.id) ? { ...alert, read: true } : alert)),
      );
      setUnread((count) => ('all' in body ? 0 : Math.max(0, count - body.ids.length)));
    } catch (caught) {
      setError(errorMessage(t, caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page alerts-page">
      <h1>{t('alerts.title')}</h1>
      {error && <Notice kind="error">{error}</Notice>}
      {alerts === null && !error && <p role="status">{t('app.loading')}</p>}
      {alerts && (
        <section className="card" aria-labelledby="alerts-list-title">
          <div className="alerts-toolbar">
            <h2 id="alerts-list-title">{t('alerts.listTitle')}</h2>
            <p role="status" data-testid="alerts-unread">
              {t('alerts.unreadCount', { count: unread })}
            </p>
            {unread > 0 && (
              <button type="button" className="button" disabled={busy} onClick={() => void markRead({ all: true })}>
                {t('alerts.markAllRead')}
              </button>
            )}
          </div>
          {alerts.length === 0 ? (
            <p className="muted">{t('alerts.empty')}</p>
          ) : (
            <ul className="alert-list">
              {alerts.map((alert) => {
                const { title, text } = words(alert);
                return (
                  <li
                    key={alert.id}
                    className={`alert-item alert-${alert.severity}${alert.read ? ' alert-read' : ''}`}
                    data-testid="alert-item"
                  >
                    <h3 id={`alert-title-${alert.id}`}>
                      {!alert.read && <span className="badge">{t('alerts.new')}</span>} {title}
                    </h3>
                    <p>{text}</p>
                    <p className="muted">
                      {t(`alerts.severity.${alert.severity}`)} ·{' '}
                      <time dateTime={alert.createdAt}>{format.zonedDateTime(alert.createdAt)}</time>
                    </p>
                    {!alert.read && (
                      <button
                        type="button"
                        className="button button-ghost"
                        disabled={busy}
                        onClick={() => void markRead({ ids: [alert.id] })}
                        aria-describedby={`alert-title-${alert.id}`}
                      >
                        {t('alerts.markRead')}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          {nextCursor && (
            <button type="button" className="button" onClick={() => void more()}>
              {t('alerts.more')}
            </button>
          )}
        </section>
      )}
      <EmailPreference />
    </div>
  );
}
