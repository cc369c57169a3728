// "Mes requêtes" / "My requests" (scope mine) and Admin › Requêtes / Requests (scope admin): the
// request log, newest first, one line per model call with its tokens, cost, latency, status and
// error. The filters live in the address (shareable; Admin › Users and the usage page link here
// filtered); paging goes forward by the API's cursor and back through the cursors already seen.
// The CSV link exports every row the filters match, in the page's language.
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestLogRow } from '../../shared/request-log.ts';
import { api, type RequestLogParams, requestLogUrl } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import { CursorPager } from '../components/cursor-pager.tsx';
import { type Column, DataTable } from '../components/data-table.tsx';
import { Notice } from '../components/notice.tsx';
import { providerName, useCatalog } from '../components/use-catalog.ts';
import { useAddressFilters, useCursorPages } from '../components/use-cursor-pages.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { useFormat } from '../format.ts';
import { currentLanguage } from '../i18n/languages.ts';
import { FILTER_NAMES, RequestFilters } from '../requests/request-filters.tsx';

const PAGE_SIZE = 50;

export function RequestsPage({ scope }: { scope: 'mine' | 'admin' }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const { catalog } = useCatalog();
  const title = scope === 'admin' ? t('requests.adminTitle') : t('requests.title');
  useDocumentTitle(title);

  const { filters, apply } = useAddressFilters<RequestLogParams>(FILTER_NAMES);
  const fetchPage = useCallback((at: string | null) => api.requestLog(scope, filters, at, PAGE_SIZE), [scope, filters]);
  const { page, error, goNext, goBack, hasPrevious, pageNumber } = useCursorPages(fetchPage);

  const columns: Column<RequestLogRow>[] = [
    { key: 'at', header: t('requests.at'), cell: (row) => <time dateTime={row.at}>{format.dateTime(row.at)}</time> },
    ...(scope === 'admin' || filters.user
      ? [
          {
            key: 'user',
            header: t('requests.user'),
            cell: (row: RequestLogRow) =>
              row.user ? (
                <>
                  {row.user.name} <span className="muted small">{row.user.email}</span>
                </>
              ) : (
                <span className="muted">{t('requests.deletedUser')}</span>
              ),
          },
        ]
      : []),
    {
      key: 'model',
      header: t('requests.model'),
      cell: (row) => (
        <>
          {row.model} <span className="muted small">{providerName(catalog, row.provider)}</span>
        </>
      ),
    },
    { key: 'source', header: t('requests.source'), cell: (row) => t(`requests.sources.${row.source}`) },
    {
      key: 'tokens',
      header: t('requests.tokens'),
      numeric: true,
      cell: (row) =>
        t('requests.tokensCell', { input: format.number(row.inputTokens), output: format.number(row.outputTokens) }),
    },
    { key: 'cost', header: t('requests.cost'), numeric: true, cell: (row) => format.money(row.costMicrousd) },
    {
      key: 'latency',
      header: t('requests.latency'),
      numeric: true,
      cell: (row) =>
        row.latencyMs === null ? '' : t('requests.milliseconds', { value: format.number(row.latencyMs) }),
    },
    {
      key: 'status',
      header: t('requests.status'),
      testId: () => 'request-status',
      cell: (row) =>
        row.status < 400 ? (
          <span className="badge badge-neutral">{t('requests.statuses.ok')}</span>
        ) : (
          <>
            <span className="badge badge-none">{row.status}</span> <code>{row.error}</code>
          </>
        ),
    },
    {
      key: 'flags',
      header: t('requests.flags'),
      cell: (row) => (
        <>
          {row.estimated && <span className="badge badge-neutral">{t('requests.estimated')}</span>}{' '}
          {row.unpriced && <span className="badge badge-neutral">{t('requests.unpriced')}</span>}
        </>
      ),
    },
  ];

  const csv = requestLogUrl(scope, filters, { format: 'csv', lang: currentLanguage(i18n) });

  return (
    <div className="page requests-page">
      <h1>{title}</h1>
      <p className="muted">{scope === 'admin' ? t('requests.adminIntro') : t('requests.intro')}</p>
      <RequestFilters scope={scope} value={filters} catalog={catalog} onApply={apply} />
      {error !== null && <Notice kind="error">{errorMessage(t, error)}</Notice>}
      <div className="requests-actions">
        <a className="button button-ghost" href={csv} download>
          {t('requests.exportCsv')}
        </a>
      </div>
      {!page ? (
        error === null && <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <DataTable
            caption={title}
            columns={columns}
            rows={page.requests}
            rowKey={(row) => row.id}
            rowTestId="request-row"
            empty={t('requests.empty')}
            wrapperClassName="table-wrap card"
          />
          <CursorPager
            label={t('requests.paging')}
            previous={t('requests.previous')}
            next={t('requests.next')}
            pageText={t('requests.page', { number: pageNumber })}
            hasPrevious={hasPrevious}
            hasNext={Boolean(page.nextCursor)}
            onPrevious={goBack}
            onNext={goNext}
          />
        </>
      )}
    </div>
  );
}
