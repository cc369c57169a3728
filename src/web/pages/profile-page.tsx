// "Mon profil" / "My profile": the account, two-factor, the subscription (#billing), the personal keys, the global keys (the admin's
// section, or their status for everyone else), the access tokens and the security events.
import { useTranslation } from 'react-i18next';
import { EmailPreference } from '../alerts/email-preference.tsx';
import { errorMessage } from '../api/error-messages.ts';
import { SecurityEvents } from '../audit/security-events.tsx';
import { BillingSection } from '../billing/billing-section.tsx';
import { Notice } from '../components/notice.tsx';
import { useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { AccessTokens } from '../keys/access-tokens.tsx';
import { GlobalKeysAdmin } from '../keys/global-keys-admin.tsx';
import { GlobalKeysStatus } from '../keys/global-keys-status.tsx';
import { PersonalKeys } from '../keys/personal-keys.tsx';
import { useSession } from '../session.tsx';
import { TwoFactorSection } from '../sso/two-factor-section.tsx';

export function ProfilePage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { catalog, error, reload } = useCatalog();
  useDocumentTitle(t('profile.title'));
  if (!user) return null;
  const isAdmin = user.role === 'admin';

  return (
    <div className="page profile-page">
      <h1>{t('profile.title')}</h1>
      <section className="card" aria-labelledby="account-title">
        <h2 id="account-title">{t('profile.account')}</h2>
        <dl className="status-list">
          <div className="status-row">
            <dt>{t('auth.name')}</dt>
            <dd>{user.name}</dd>
          </div>
          <div className="status-row">
            <dt>{t('auth.email')}</dt>
            <dd>{user.email}</dd>
          </div>
          <div className="status-row">
            <dt>{t('admin.role')}</dt>
            <dd>{t(`profile.role.${user.role}`)}</dd>
          </div>
        </dl>
      </section>
      <TwoFactorSection required={user.twoFactorRequired} />
      <BillingSection catalog={catalog} />
      {error !== null && <Notice kind="error">{errorMessage(t, error)}</Notice>}
      {!catalog && error === null && <p role="status">{t('app.loading')}</p>}
      {catalog && (
        <>
          {isAdmin && <GlobalKeysAdmin providers={catalog.providers} onChanged={reload} />}
          <PersonalKeys providers={catalog.providers} keys={catalog.keys} onChanged={reload} />
          {!isAdmin && <GlobalKeysStatus providers={catalog.providers} keys={catalog.keys} />}
        </>
      )}
      <AccessTokens />
      <SecurityEvents catalog={catalog} />
      <EmailPreference />
    </div>
  );
}
