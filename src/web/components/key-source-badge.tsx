// Which key a request runs on (personal, global) or that none would: the badge the model picker
// and the personal keys show.
import { useTranslation } from 'react-i18next';
import type { KeySource } from '../api/types.ts';

export function KeySourceBadge({ source }: { source: KeySource }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-${source}`} data-testid="key-source-badge" data-source={source}>
      {t(`chat.badge.${source}`)}
    </span>
  );
}
