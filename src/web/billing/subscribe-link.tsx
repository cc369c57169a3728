// The link a refusal of the shared keys carries (its subscribeUrl): inside the app when it points
// at this origin, so the chat is not reloaded, and a plain link otherwise.
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export function SubscribeLink({ href }: { href: string }) {
  const { t } = useTranslation();
  const url = new URL(href);
  const label = t('chat.subscribeLink');
  return url.origin === window.location.origin ? (
    <Link to={`${url.pathname}${url.search}${url.hash}`}>{label}</Link>
  ) : (
    <a href={url.href}>{label}</a>
  );
}
