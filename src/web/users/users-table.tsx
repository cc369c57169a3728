// Admin › Users' table: each account with its role, group, state, the providers it has personal
// keys for (never the keys), what it spent on the global keys this month and today, its budget on the global keys (each limit with where it comes
// from); promote / demote, disable / enable, the button that opens the account's limits form, and
// the actions that open a panel under the table (rename, password reset, delete: one more is one
// line in ACTIONS).
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AdminUser, UserLimitsSummary } from '../api/types.ts';
import { type Column, DataTable } from '../components/data-table.tsx';
import { type Catalog, providerName } from '../components/use-catalog.ts';
import { useFormat } from '../format.ts';
import { UserBudgetSummary } from '../limits/user-budget-summary.tsx';

export type UserChange = { role?: 'admin' | 'user'; disabled?: boolean; name?: string };

/** What opens a panel under the table for one account. */
export type UserAction = 'rename' | 'password' | 'delete';

/** The panel actions, in the order of their buttons; `self`: whether one may do it to oneself. */
const ACTIONS: ReadonlyArray<{
  action: UserAction;
  label: string;
  ariaLabel: string;
  danger?: boolean;
  self: boolean;
}> = [
  { action: 'rename', label: 'admin.rename', ariaLabel: 'admin.renameFor', self: true },
  // Not one's own: the reset signs the account out everywhere, this session included.
  { action: 'password', label: 'admin.resetPassword', ariaLabel: 'admin.resetPasswordFor', self: false },
  { action: 'delete', label: 'admin.delete', ariaLabel: 'admin.deleteFor', danger: true, self: false },
];

export function UsersTable({
  users,
  myId,
  catalog,
  limitsOf,
  editing,
  editorId,
  onEdit,
  onChange,
  panel,
  panelId,
  onAction,
}: {
  users: AdminUser[];
  /** The signed-in admin, who cannot demote or disable themselves. */
  myId: string | undefined;
  catalog: Catalog | null;
  limitsOf: (userId: string) => UserLimitsSummary | null;
  /** The account whose limits form is open. */
  editing: string | null;
  /** The id of that form, which the edit buttons control. */
  editorId: string;
  onEdit: (userId: string | null) => void;
  onChange: (user: AdminUser, change: UserChange) => void;
  /** The panel open under the table, if any. */
  panel?: { action: UserAction; userId: string } | null;
  /** The id of that panel, which the action buttons control. */
  panelId?: string;
  onAction?: (user: AdminUser, action: UserAction) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();

  const columns: Column<AdminUser>[] = [
    {
      key: 'name',
      header: t('admin.name'),
      cell: (user) => (
        <>
          {user.name} {user.id === myId && <span className="muted">{t('admin.you')}</span>}
        </>
      ),
    },
    { key: 'email', header: t('admin.email'), cell: (user) => user.email },
    {
      key: 'role',
      header: t('admin.role'),
      cell: (user) => (
        <span className={`badge ${user.role === 'admin' ? 'badge-admin' : 'badge-neutral'}`}>
          {t(`profile.role.${user.role}`)}
        </span>
      ),
    },
    {
      key: 'group',
      header: t('admin.group'),
      cell: (user) =>
        user.group ? (
          <>
            {user.group.name}
            {user.group.role === 'admin' && <span className="muted"> ({t('admin.groupAdmin')})</span>}
          </>
        ) : (
          <span className="muted">{t('admin.noGroup')}</span>
        ),
    },
    {
      key: 'created',
      header: t('admin.created'),
      cell: (user) => <time dateTime={user.createdAt}>{format.date(user.createdAt)}</time>,
    },
    {
      key: 'personalKeys',
      header: t('admin.personalKeys'),
      cell: (user) =>
        user.personalKeys.length === 0
          ? t('common.none')
          : format.list(user.personalKeys.map((provider) => providerName(catalog, provider))),
    },
    {
      key: 'status',
      header: t('admin.status'),
      cell: (user) => (
        <span className={`badge ${user.disabled ? 'badge-none' : 'badge-personal'}`}>
          {user.disabled ? t('admin.disabled') : t('admin.active')}
        </span>
      ),
    },
    {
      // What each account cost on the global keys, budget or not: who spent what, at a glance.
      key: 'spent',
      header: t('admin.spentGlobal'),
      testId: (user) => `user-spent-${user.id}`,
      cell: (user) => {
        const spent = limitsOf(user.id)?.spentGlobal;
        if (!spent) return null;
        return (
          <>
            <span>{t('admin.spentMonth', { amount: format.money(spent.monthMicrousd) })}</span>
            <br />
            <span className="muted">{t('admin.spentToday', { amount: format.money(spent.dayMicrousd) })}</span>
          </>
        );
      },
    },
    {
      key: 'budget',
      header: t('admin.budget'),
      testId: (user) => `user-limits-${user.id}`,
      cell: (user) => {
        const summary = limitsOf(user.id);
        return (
          summary && (
            <div className="user-budget">
              <UserBudgetSummary summary={summary} />
              <button
                type="button"
                className="button button-small"
                aria-expanded={editing === user.id}
                aria-controls={editorId}
                aria-label={t('admin.limits.editFor', { name: user.name })}
                onClick={() => onEdit(editing === user.id ? null : user.id)}
              >
                {t('admin.limits.edit')}
              </button>
            </div>
          )
        );
      },
    },
    {
      key: 'actions',
      header: t('admin.actions'),
      className: 'row-actions',
      cell: (user) => (
        <>
          <Link
            className="button button-small button-ghost"
            to={`/admin/requests?user=${encodeURIComponent(user.id)}`}
            aria-label={t('requests.ofUserFor', { name: user.name })}
            data-testid="user-requests-link"
          >
            {t('requests.ofUser')}
          </Link>
          <button
            type="button"
            className="button button-small"
            disabled={user.id === myId}
            onClick={() => onChange(user, { role: user.role === 'admin' ? 'user' : 'admin' })}
          >
            {user.role === 'admin' ? t('admin.demote') : t('admin.promote')}
          </button>
          <button
            type="button"
            className={`button button-small ${user.disabled ? '' : 'button-danger-outline'}`}
            disabled={user.id === myId}
            onClick={() => onChange(user, { disabled: !user.disabled })}
          >
            {user.disabled ? t('admin.enable') : t('admin.disable')}
          </button>
          {onAction &&
            ACTIONS.map(({ action, label, ariaLabel, danger, self }) => (
              <button
                key={action}
                type="button"
                className={`button button-small ${danger ? 'button-danger-outline' : ''}`}
                disabled={!self && user.id === myId}
                aria-label={t(ariaLabel, { name: user.name })}
                aria-expanded={panel?.action === action && panel.userId === user.id}
                aria-controls={panelId}
                onClick={() => onAction(user, action)}
              >
                {t(label)}
              </button>
            ))}
        </>
      ),
    },
  ];

  return (
    <DataTable
      caption={t('admin.usersTitle')}
      columns={columns}
      rows={users}
      rowKey={(user) => user.id}
      rowTestId="user-row"
      className="users-table"
      wrapperClassName="table-wrap card"
    />
  );
}
