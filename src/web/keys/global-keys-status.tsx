// What a user who is not an admin sees of the global keys: only whether each one is configured,
// never a mask.
import { useTranslation } from 'react-i18next';
import type { ProviderInfo, UserKeyState } from '../api/types.ts';

export function GlobalKeysStatus({ providers, keys }: { providers: ProviderInfo[]; keys: UserKeyState[] }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="global-keys-status-title" data-testid="global-keys-status">
      <h2 id="global-keys-status-title">{t('profile.globalUser.title')}</h2>
      <p className="muted">{t('profile.globalUser.intro')}</p>
      <dl className="status-list">
        {providers.map((provider) => {
          const configured = keys.find((key) => key.provider === provider.id)?.global.configured ?? false;
          return (
            <div key={provider.id} className="status-row">
              <dt>{provider.name}</dt>
              <dd>
                <span className={`badge ${configured ? 'badge-global' : 'badge-none'}`}>
                  {configured ? t('profile.globalUser.configured') : t('profile.globalUser.notConfigured')}
                </span>
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
