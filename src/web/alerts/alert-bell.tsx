// The bell in the top bar: a link to the alerts page carrying the unread count, said in words for
// screen readers ("Alertes, 2 non lues").
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';

export function AlertBell({ unread }: { unread: number }) {
  const { t } = useTranslation();
  const label = unread > 0 ? t('alerts.bellUnread', { count: unread }) : t('alerts.bell');
  return (
    <NavLink to="/alerts" className="alert-bell" aria-label={label} title={label} data-testid="alert-bell">
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        width="20"
        height="20"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {unread > 0 && (
        <span className="alert-bell-count" aria-hidden="true" data-testid="alert-bell-count">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </NavLink>
  );
}
