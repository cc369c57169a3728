// Admin › Users' search, group filter and sort above the table, and the pages below it. The
// server searches, sorts and cuts the pages (GET /api/admin/users): the table shows one page.
import { useTranslation } from 'react-i18next';
import type { AdminUsersParams, GroupView } from '../api/types.ts';
import { Field } from '../components/field.tsx';

export const PAGE_SIZE = 25;

const SORTS = ['createdAt-asc', 'createdAt-desc', 'name-asc', 'name-desc', 'email-asc', 'role-asc'] as const;
type SortChoice = (typeof SORTS)[number];

export interface UsersQuery {
  q: string;
  /** A group id, `none`, or '' for every account. */
  group: string;
  sort: SortChoice;
  page: number;
}

export function usersParams(query: UsersQuery): AdminUsersParams {
  const [sort, order] = query.sort.split('-') as [AdminUsersParams['sort'], AdminUsersParams['order']];
  return {
    q: query.q.trim() || undefined,
    group: query.group || undefined,
    sort,
    order,
    page: query.page,
    limit: PAGE_SIZE,
  };
}

export function UsersToolbar({
  query,
  groups,
  onChange,
}: {
  query: UsersQuery;
  groups: GroupView[];
  onChange: (query: UsersQuery) => void;
}) {
  const { t } = useTranslation();
  // Any change but the page's starts again from the first page.
  const change = (part: Partial<UsersQuery>) => onChange({ ...query, ...part, page: 1 });
  return (
    <search className="users-toolbar">
      <Field label={t('admin.search')}>
        {(control) => (
          <input {...control} type="search" value={query.q} onChange={(event) => change({ q: event.target.value })} />
        )}
      </Field>
      <Field label={t('admin.groupFilter')}>
        {(control) => (
          <select {...control} value={query.group} onChange={(event) => change({ group: event.target.value })}>
            <option value="">{t('admin.allGroups')}</option>
            <option value="none">{t('admin.noGroup')}</option>
            {groups.map((group) => (
              <option key={group.id} value={group.id}>
                {group.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('admin.sort')}>
        {(control) => (
          <select
            {...control}
            value={query.sort}
            onChange={(event) => change({ sort: event.target.value as SortChoice })}
          >
            {SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {t(`admin.sortOptions.${sort}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </search>
  );
}

export function UsersPager({
  page,
  pages,
  total,
  onPage,
}: {
  page: number;
  pages: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <nav className="users-pager" aria-label={t('admin.pages')}>
      <span>{t('admin.total', { count: total })}</span>
      <button type="button" className="button button-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('admin.previous')}
      </button>
      <span aria-live="polite">{t('admin.page', { page, pages })}</span>
      <button type="button" className="button button-small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('admin.next')}
      </button>
    </nav>
  );
}
