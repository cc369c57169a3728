// Admin › Users: the accounts, searched, sorted and paged by the server (users/users-toolbar.tsx,
// users/users-table.tsx), the panel of one account's action (its limits, rename, password reset,
// delete: one panel open at a time, under the table), the default budgets, and the form that
// creates an account. Messages about all of them show on top.
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminLimits, AdminUser, GroupView } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';
import { useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { DefaultBudgetsForm } from '../limits/default-budgets-form.tsx';
import { OperatorBudgetForm } from '../limits/operator-budget-form.tsx';
import { UserLimitsForm } from '../limits/user-limits-form.tsx';
import { useSession } from '../session.tsx';
import { CreateUserForm, type NewUser } from '../users/create-user-form.tsx';
import { PasswordResetPanel } from '../users/password-reset-panel.tsx';
import { DeleteUserPanel, RenameUserPanel } from '../users/user-panels.tsx';
import { type UserAction, type UserChange, UsersTable } from '../users/users-table.tsx';
import { PAGE_SIZE, UsersPager, type UsersQuery, UsersToolbar, usersParams } from '../users/users-toolbar.tsx';

export function AdminUsersPage() {
  const { t } = useTranslation();
  const { user: me } = useSession();
  const { catalog } = useCatalog();
  const id = useId();
  const editorId = `${id}-user-limits`;
  const panelId = `${id}-user-panel`;
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [total, setTotal] = useState(0);
  const [query, setQuery] = useState<UsersQuery>({ q: '', group: '', sort: 'createdAt-asc', page: 1 });
  const [groups, setGroups] = useState<GroupView[]>([]);
  const [panel, setPanel] = useState<{ action: UserAction; userId: string } | null>(null);
  const [limits, setLimits] = useState<AdminLimits | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  useDocumentTitle(t('admin.usersTitle'));

  const load = useCallback(async () => {
    try {
      const answer = await api.users(usersParams(query));
      setUsers(answer.users);
      setTotal(answer.total);
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  }, [t, query]);

  useEffect(() => {
    api.adminGroups().then(
      (answer) => setGroups(answer.groups),
      () => setGroups([]),
    );
  }, []);

  const loadLimits = useCallback(async () => {
    try {
      setLimits(await api.adminLimits());
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    void loadLimits();
  }, [loadLimits]);

  const limitsOf = (userId: string) => limits?.users.find((summary) => summary.userId === userId) ?? null;
  const editingUser = users?.find((user) => user.id === editing) ?? null;
  const editingLimits = editing ? limitsOf(editing) : null;

  const update = async (user: AdminUser, change: UserChange) => {
    setMessage(null);
    try {
      const updated = await api.updateUser(user.id, change);
      setUsers((list) => (list ?? []).map((item) => (item.id === updated.id ? updated : item)));
      setMessage({
        kind: 'success',
        text: change.name ? t('admin.renamed', { name: updated.name }) : t('admin.updated', { name: updated.name }),
      });
      return true;
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
      return false;
    }
  };

  const remove = async (user: AdminUser) => {
    setMessage(null);
    try {
      await api.deleteUser(user.id);
      setPanel(null);
      setMessage({ kind: 'success', text: t('admin.deleted', { name: user.name }) });
      void Promise.all([load(), loadLimits()]);
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  const panelUser = panel ? (users?.find((user) => user.id === panel.userId) ?? null) : null;
  const openPanel = (user: AdminUser, action: UserAction) => {
    setEditing(null);
    setPanel(panel?.action === action && panel.userId === user.id ? null : { action, userId: user.id });
  };

  const create = async (user: NewUser) => {
    setMessage(null);
    try {
      const created = await api.createUser(user);
      setMessage({ kind: 'success', text: t('admin.createdUser', { email: created.email }) });
      // The form empties now; the table catches up when the lists are back (each reports its own failure).
      void Promise.all([load(), loadLimits()]);
      return true;
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
      return false;
    }
  };

  return (
    <div className="page admin-page">
      <h1>{t('admin.usersTitle')}</h1>
      <p className="muted">{t('admin.usersIntro')}</p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <UsersToolbar query={query} groups={groups} onChange={setQuery} />
      {users === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <UsersTable
          users={users}
          myId={me?.id}
          catalog={catalog}
          limitsOf={limitsOf}
          editing={editing}
          editorId={editorId}
          onEdit={(userId) => {
            setPanel(null);
            setEditing(userId);
          }}
          onChange={(user, change) => void update(user, change)}
          panel={panel}
          panelId={panelId}
          onAction={openPanel}
        />
      )}
      {users !== null && (
        <UsersPager
          page={query.page}
          pages={Math.max(1, Math.ceil(total / PAGE_SIZE))}
          total={total}
          onPage={(page) => setQuery({ ...query, page })}
        />
      )}

      {panelUser && panel && (
        <section className="card" id={panelId}>
          {panel.action === 'rename' && (
            <RenameUserPanel
              key={panelUser.id}
              user={panelUser}
              onRename={(name) => update(panelUser, { name })}
              onCancel={() => setPanel(null)}
            />
          )}
          {panel.action === 'password' && (
            <PasswordResetPanel key={panelUser.id} user={panelUser} onCancel={() => setPanel(null)} />
          )}
          {panel.action === 'delete' && (
            <DeleteUserPanel
              key={panelUser.id}
              user={panelUser}
              onDelete={() => remove(panelUser)}
              onCancel={() => setPanel(null)}
            />
          )}
        </section>
      )}

      {editingUser && editingLimits && limits && (
        <section className="card" id={editorId}>
          <UserLimitsForm
            key={editingUser.id}
            name={editingUser.name}
            summary={editingLimits}
            fallback={limits.default}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              setMessage({ kind: 'success', text: t('admin.limits.savedUser', { name: editingUser.name }) });
              void loadLimits();
            }}
          />
        </section>
      )}

      {limits && <DefaultBudgetsForm limits={limits} onSaved={() => void loadLimits()} />}

      <OperatorBudgetForm />

      <CreateUserForm create={create} />
    </div>
  );
}
