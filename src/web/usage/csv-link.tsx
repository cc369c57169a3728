// "Export CSV": the same table as the page shows, for the same range, from the server.
import { useTranslation } from 'react-i18next';
import { usageUrl } from '../api/client.ts';
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
  const { t } = useTranslation();
  return (
    <a className="button button-ghost" href={usageUrl(scope, { ...range, groupBy, format: 'csv' })} download>
      {t('usage.exportCsv')}
    </a>
  );
}
