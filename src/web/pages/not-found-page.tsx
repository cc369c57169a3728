import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDocumentTitle } from '../components/use-document-title.ts';

function Message({ title, text }: { title: string; text: string }) {
  const { t } = useTranslation();
  useDocumentTitle(title);
  return (
    <section className="page narrow">
      <h1>{title}</h1>
      <p>{text}</p>
      <Link to="/">{t('app.backHome')}</Link>
    </section>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return <Message title={t('app.notFoundTitle')} text={t('app.notFoundText')} />;
}

export function ForbiddenPage() {
  const { t } = useTranslation();
  return <Message title={t('app.forbiddenTitle')} text={t('app.forbiddenText')} />;
}
