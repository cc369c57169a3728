// Admin › Users: every account (users/users-table.tsx), one account's budgets and rate limits, the
// default budgets, and the form that creates an account. Messages about all of them show on top.
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminLimits, AdminUser } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';
import { useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { DefaultBudgetsForm } from '../limits/default-budgets-form.tsx';
import { UserLimitsForm } from '../limits/user-limits-form.tsx';
import { useSession } from '../session.tsx';
import { CreateUserForm, type NewUser } from '../users/create-user-form.tsx';
import { PasswordResetAction } from '../users/password-reset-action.tsx';
import { type UserChange, UsersTable } from '../users/users-table.tsx';

export function AdminUsersPage() {
  const { t } = useTranslation();
  const { user: me } = useSession();
  const { catalog } = useCatalog();
  const id = useId();
  const editorId = `${id}-user-limits`;
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [limits, setLimits] = useState<AdminLimits | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  useDocumentTitle(t('admin.usersTitle'));

  const load = useCallback(async () => {
    try {
      setUsers((await api.users()).users);
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  }, [t]);

  const loadLimits = useCallback(async () => {
    try {
      setLimits(await api.adminLimits());
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  }, [t]);

  useEffect(() => {
    void load();
    void loadLimits();
  }, [load, loadLimits]);

  const limitsOf = (userId: string) => limits?.users.find((summary) => summary.userId === userId) ?? null;
  const editingUser = users?.find((user) => user.id === editing) ?? null;
  const editingLimits = editing ? limitsOf(editing) : null;

  const update = async (user: AdminUser, change: UserChange) => {
    setMessage(null);
    try {
      const updated = await api.updateUser(user.id, change);
      setUsers((list) => (list ?? []).map((item) => (item.id === updated.id ? updated : item)));
      setMessage({ kind: 'success', text: t('admin.updated', { name: updated.name }) });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
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
          onEdit={setEditing}
          onChange={update}
        />
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

      <CreateUserForm create={create} />

      {users && <PasswordResetAction users={users} />}
    </div>
  );
}
