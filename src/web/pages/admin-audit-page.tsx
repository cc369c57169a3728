// Admin › Journal / Audit log: the audit trail, newest first: when (the operator's time zone), who,
// the action in words, its target, from where (address, browser), the outcome and the details.
// The filters live in the address; paging goes forward by the API's cursor and back through the
// cursors already seen; the CSV link exports every row the filters match, in the page's language.
// Below, the retention: how long rows are kept before the hourly expiry removes them.
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEventView } from '../../shared/audit.ts';
import type { AuditSettingsView } from '../../shared/audit-log.ts';
import { type AuditParams, api, auditUrl } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import { AUDIT_FILTER_NAMES, AuditFilters } from '../audit/audit-filters.tsx';
import { actionName, detailsText, kindName, shortAgent } from '../audit/audit-words.ts';
import { CursorPager } from '../components/cursor-pager.tsx';
import { type Column, DataTable } from '../components/data-table.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { providerName, useCatalog } from '../components/use-catalog.ts';
import { useAddressFilters, useCursorPages } from '../components/use-cursor-pages.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { displayTimeZone, useFormat } from '../format.ts';
import { currentLanguage } from '../i18n/languages.ts';

const PAGE_SIZE = 50;

function RetentionForm() {
  const { t } = useTranslation();
  const hintId = useId();
  const [settings, setSettings] = useState<AuditSettingsView | null>(null);
  const [days, setDays] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const messageId = useId();

  useEffect(() => {
    api.auditSettings().then(
      (view) => {
        setSettings(view);
        setDays(String(view.retentionDays));
      },
      (error) => setMessage({ kind: 'error', text: errorMessage(t, error) }),
    );
  }, [t]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    try {
      const view = await api.saveAuditSettings(Number(days));
      setSettings(view);
      setMessage({ kind: 'success', text: t('audit.retentionSaved', { days: view.retentionDays }) });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  return (
    <section className="card" aria-labelledby={`${hintId}-title`}>
      <h2 id={`${hintId}-title`}>{t('audit.retentionTitle')}</h2>
      {message && (
        <Notice kind={message.kind} id={messageId}>
          {message.text}
        </Notice>
      )}
      {settings && (
        <form onSubmit={submit} className="inline-form">
          <Field
            label={t('audit.retentionDays')}
            hint={t('audit.retentionHint', {
              min: settings.minDays,
              max: settings.maxDays,
              default: settings.defaultDays,
            })}
            errorId={message?.kind === 'error' ? messageId : null}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                name="retentionDays"
                min={settings.minDays}
                max={settings.maxDays}
                step={1}
                required
                value={days}
                onChange={(e) => setDays(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button">
            {t('audit.retentionSave')}
          </button>
        </form>
      )}
    </section>
  );
}

export function AdminAuditPage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const { catalog } = useCatalog();
  useDocumentTitle(t('audit.title'));

  const { filters, apply } = useAddressFilters<AuditParams>(AUDIT_FILTER_NAMES);
  const fetchPage = useCallback((at: string | null) => api.audit(filters, at, PAGE_SIZE), [filters]);
  const { page, error, goNext, goBack, hasPrevious, pageNumber } = useCursorPages(fetchPage);

  const provider = (id: string) => providerName(catalog, id);
  const columns: Column<AuditEventView>[] = [
    {
      key: 'at',
      header: t('audit.at'),
      cell: (row) => <time dateTime={row.at}>{format.zonedDateTime(row.at)}</time>,
    },
    {
      key: 'who',
      header: t('audit.who'),
      cell: (row) =>
        row.actor.email ??
        (row.actor.userId ? <code>{row.actor.userId}</code> : null) ?? (
          <span className="muted">{row.actor.ip ? t('audit.unknownVisitor') : t('audit.system')}</span>
        ),
    },
    {
      key: 'action',
      header: t('audit.what'),
      testId: () => 'audit-action',
      cell: (row) => actionName(t, row.action),
    },
    {
      key: 'target',
      header: t('audit.target'),
      cell: (row) =>
        row.target ? (
          <>
            {kindName(t, row.target.kind)} <span className="muted small">{row.target.id}</span>
          </>
        ) : null,
    },
    {
      key: 'origin',
      header: t('audit.origin'),
      cell: (row) => (
        <>
          {row.actor.ip}{' '}
          {row.actor.userAgent && (
            <span className="muted small" title={row.actor.userAgent}>
              {shortAgent(row.actor.userAgent)}
            </span>
          )}
        </>
      ),
    },
    {
      key: 'outcome',
      header: t('audit.outcome'),
      cell: (row) => (
        <span className={row.outcome === 'success' ? 'badge badge-neutral' : 'badge badge-none'}>
          {t(`audit.outcomes.${row.outcome}`)}
        </span>
      ),
    },
    { key: 'details', header: t('audit.details'), cell: (row) => detailsText(t, row.details, provider) },
  ];

  const csv = auditUrl(filters, { format: 'csv', lang: currentLanguage(i18n) });
  const zone = displayTimeZone() ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <div className="page requests-page">
      <h1>{t('audit.title')}</h1>
      <p className="muted">
        {t('audit.intro')} {t('audit.timeZone', { zone })}
      </p>
      <AuditFilters value={filters} onApply={apply} />
      {error !== null && <Notice kind="error">{errorMessage(t, error)}</Notice>}
      <div className="requests-actions">
        <a className="button button-ghost" href={csv} download>
          {t('audit.exportCsv')}
        </a>
      </div>
      {!page ? (
        error === null && <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <DataTable
            caption={t('audit.title')}
            columns={columns}
            rows={page.events}
            rowKey={(row) => row.id}
            rowTestId="audit-row"
            empty={t('audit.empty')}
            wrapperClassName="table-wrap card"
          />
          <CursorPager
            label={t('audit.paging')}
            previous={t('audit.previous')}
            next={t('audit.next')}
            pageText={t('audit.page', { number: pageNumber })}
            hasPrevious={hasPrevious}
            hasNext={Boolean(page.nextCursor)}
            onPrevious={goBack}
            onNext={goNext}
          />
        </>
      )}
      <RetentionForm />
    </div>
  );
}
