// "Export CSV": the same table as the page shows, for the same range, from the server, in the
// page's language (French: `;` and decimal commas, which Excel in French opens as columns).
import { useTranslation } from 'react-i18next';
import { usageUrl } from '../api/client.ts';
import { currentLanguage } from '../i18n/languages.ts';
import type { UsageScope } from './use-usage-report.ts';

export function CsvLink({
  scope,
  range,
  groupBy,
}: {
  scope: UsageScope;
  range: { from: string; to: string };
  groupBy: 'day' | 'provider' | 'model' | 'user';
}) {
  const { t, i18n } = useTranslation();
  return (
    <a
      className="button button-ghost"
      href={usageUrl(scope, { ...range, groupBy, format: 'csv', lang: currentLanguage(i18n) })}
      download
    >
      {t('usage.exportCsv')}
    </a>
  );
}
