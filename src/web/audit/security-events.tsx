// "Événements de sécurité" / "Security events" on the profile: what happened to the account, its
// keys and tokens, in sentences: "Your personal Anthropic key was replaced on 3 Dec at 14:02
// from 192.0.2.4". Another account's address is never shown ("by an administrator").
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SecurityEventView } from '../../shared/audit-log.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import { Notice } from '../components/notice.tsx';
import { type Catalog, providerName } from '../components/use-catalog.ts';
import { useFormat } from '../format.ts';
import { actionSentence, shortAgent } from './audit-words.ts';

export function SecurityEvents({ catalog }: { catalog: Catalog | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [events, setEvents] = useState<SecurityEventView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (cursor: string | null) => {
    setError(null);
    try {
      const page = await api.securityEvents(cursor);
      setEvents((before) => (cursor ? [...(before ?? []), ...page.events] : page.events));
      setNext(page.nextCursor);
    } catch (caught) {
      setError(caught);
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  const sentence = (event: SecurityEventView) => {
    const provider = typeof event.details.provider === 'string' ? providerName(catalog, event.details.provider) : '';
    const parts = [
      actionSentence(t, event.action, event.details, provider),
      t('audit.when', { date: format.zonedDateTime(event.at) }),
    ];
    if (event.ip) parts.push(t('audit.fromIp', { ip: event.ip }));
    if (event.by === 'admin') parts.push(t('audit.byAdmin'));
    if (event.by === 'system') parts.push(t('audit.bySystem'));
    return parts.join(' ');
  };

  return (
    <section className="card" aria-labelledby="security-events-title">
      <h2 id="security-events-title">{t('audit.mineTitle')}</h2>
      <p className="muted">{t('audit.mineIntro')}</p>
      {error !== null && <Notice kind="error">{errorMessage(t, error)}</Notice>}
      {events === null ? (
        error === null && <p role="status">{t('app.loading')}</p>
      ) : events.length === 0 ? (
        <p className="muted">{t('audit.mineEmpty')}</p>
      ) : (
        <ul className="security-events" aria-label={t('audit.mineList')}>
          {events.map((event) => (
            <li key={event.id} data-testid="security-event">
              <span>{sentence(event)}</span>
              {event.outcome === 'failure' && <span className="badge badge-none">{t('audit.failed')}</span>}
              {event.userAgent && (
                <span className="muted small" title={event.userAgent}>
                  {' '}
                  {shortAgent(event.userAgent)}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button type="button" className="button button-small button-ghost" onClick={() => void load(next)}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}
