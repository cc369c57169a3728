// The signed-in frame: a top bar (brand, navigation, language, sign out) and the page.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { AlertBell } from '../alerts/alert-bell.tsx';
import { useUnreadAlerts } from '../alerts/use-unread.ts';
import { api } from '../api/client.ts';
import { useDisplaySettings } from '../display/use-display-settings.ts';
import { AdminNotices } from '../first-run/admin-notices.tsx';
import { useSession } from '../session.tsx';
import { LanguageSwitcher } from './language-switcher.tsx';

export function Layout() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  // Whether the user administers a group (its page is then in the navigation).
  const [managesGroup, setManagesGroup] = useState(false);
  const userId = user?.id;
  useDisplaySettings(userId);
  const alerts = useUnreadAlerts(userId);
  useEffect(() => {
    if (!userId) return;
    let current = true;
    api.myGroup().then(
      () => current && setManagesGroup(true),
      () => current && setManagesGroup(false),
    );
    return () => {
      current = false;
    };
  }, [userId]);
  if (!user) return null;
  const chatActive = pathname === '/' || pathname.startsWith('/c/');

  const onSignOut = async () => {
    await signOut();
    navigate('/sign-in');
  };

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="top-bar">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>{t('app.name')}</span>
        </Link>
        <nav aria-label={t('nav.main')} className="top-nav">
          <Link to="/" className={chatActive ? 'active' : ''} aria-current={chatActive ? 'page' : undefined}>
            {t('nav.chat')}
          </Link>
          <NavLink to="/profile">{t('nav.profile')}</NavLink>
          <NavLink to="/usage">{t('nav.usage')}</NavLink>
          <NavLink to="/requests">{t('nav.requests')}</NavLink>
          {managesGroup && <NavLink to="/group">{t('nav.myGroup')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/users">{t('nav.admin')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/invitations">{t('nav.adminInvitations')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/usage">{t('nav.adminUsage')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/requests">{t('nav.adminRequests')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/plans">{t('nav.adminPlans')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/groups">{t('nav.adminGroups')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/models">{t('nav.adminModels')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/sso">{t('nav.adminSso')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/audit">{t('nav.adminAudit')}</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/alerts">{t('nav.adminAlerts')}</NavLink>}
        </nav>
        <div className="top-actions">
          {(user.role === 'admin' || alerts.any) && <AlertBell unread={alerts.unread} />}
          <LanguageSwitcher />
          <span className="user-chip" title={t('nav.signedInAs', { name: user.name })}>
            <span className="visually-hidden">{t('nav.signedInAs', { name: user.name })}</span>
            <span aria-hidden="true">{user.name}</span>
            {user.role === 'admin' && <span className="badge badge-admin">{t('nav.adminBadge')}</span>}
          </span>
          <button type="button" className="button button-ghost" onClick={onSignOut}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="app-main">
        {user.role === 'admin' && !user.twoFactorRequired && pathname.startsWith('/admin/') && <AdminNotices />}
        <Outlet />
      </main>
    </div>
  );
}
