// Admin › Users: every account with its role, state and the providers it has personal keys for
// (never the keys) and the budget it has on the global keys; promote / demote, disable / enable,
// edit a user's budgets and rate limits, set the default budgets, and create an account.
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { AdminLimits, AdminUser } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';
import { providerName, useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { useFormat } from '../format.ts';
import { DefaultBudgetsForm } from '../limits/default-budgets-form.tsx';
import { UserBudgetSummary } from '../limits/user-budget-summary.tsx';
import { UserLimitsForm } from '../limits/user-limits-form.tsx';
import { useSession } from '../session.tsx';

export function AdminUsersPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { user: me } = useSession();
  const { catalog } = useCatalog();
  const id = useId();
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [limits, setLimits] = useState<AdminLimits | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [form, setForm] = useState({ name: '', email: '', password: '', admin: false });
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

  const update = async (user: AdminUser, change: { role?: 'admin' | 'user'; disabled?: boolean }) => {
    setMessage(null);
    try {
      const updated = await api.updateUser(user.id, change);
      setUsers((list) => (list ?? []).map((item) => (item.id === updated.id ? updated : item)));
      setMessage({ kind: 'success', text: t('admin.updated', { name: updated.name }) });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    try {
      const created = await api.createUser({
        name: form.name.trim(),
        email: form.email.trim(),
        password: form.password,
        role: form.admin ? 'admin' : 'user',
      });
      setForm({ name: '', email: '', password: '', admin: false });
      setMessage({ kind: 'success', text: t('admin.createdUser', { email: created.email }) });
      await Promise.all([load(), loadLimits()]);
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
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
        <div className="table-wrap card">
          <table className="users-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.email')}</th>
                <th scope="col">{t('admin.role')}</th>
                <th scope="col">{t('admin.created')}</th>
                <th scope="col">{t('admin.personalKeys')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">{t('admin.budget')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => {
                const isMe = user.id === me?.id;
                const summary = limitsOf(user.id);
                return (
                  <tr key={user.id} data-testid="user-row">
                    <td>
                      {user.name} {isMe && <span className="muted">{t('admin.you')}</span>}
                    </td>
                    <td>{user.email}</td>
                    <td>
                      <span className={`badge ${user.role === 'admin' ? 'badge-admin' : 'badge-neutral'}`}>
                        {t(`profile.role.${user.role}`)}
                      </span>
                    </td>
                    <td>
                      <time dateTime={user.createdAt}>{format.date(user.createdAt)}</time>
                    </td>
                    <td>
                      {user.personalKeys.length === 0
                        ? t('common.none')
                        : format.list(user.personalKeys.map((provider) => providerName(catalog, provider)))}
                    </td>
                    <td>
                      <span className={`badge ${user.disabled ? 'badge-none' : 'badge-personal'}`}>
                        {user.disabled ? t('admin.disabled') : t('admin.active')}
                      </span>
                    </td>
                    <td data-testid={`user-limits-${user.id}`}>
                      {summary && (
                        <div className="user-budget">
                          <UserBudgetSummary summary={summary} />
                          <button
                            type="button"
                            className="button button-small"
                            aria-expanded={editing === user.id}
                            aria-controls={`${id}-user-limits`}
                            aria-label={t('admin.limits.editFor', { name: user.name })}
                            onClick={() => setEditing(editing === user.id ? null : user.id)}
                          >
                            {t('admin.limits.edit')}
                          </button>
                        </div>
                      )}
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button button-small"
                        disabled={isMe}
                        onClick={() => update(user, { role: user.role === 'admin' ? 'user' : 'admin' })}
                      >
                        {user.role === 'admin' ? t('admin.demote') : t('admin.promote')}
                      </button>
                      <button
                        type="button"
                        className={`button button-small ${user.disabled ? '' : 'button-danger-outline'}`}
                        disabled={isMe}
                        onClick={() => update(user, { disabled: !user.disabled })}
                      >
                        {user.disabled ? t('admin.enable') : t('admin.disable')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {editingUser && editingLimits && limits && (
        <section className="card" id={`${id}-user-limits`}>
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

      <section className="card" aria-labelledby={`${id}-create`}>
        <h2 id={`${id}-create`}>{t('admin.createTitle')}</h2>
        <p className="muted">{t('admin.createIntro')}</p>
        <form className="create-user-form" onSubmit={create}>
          <div className="field">
            <label htmlFor={`${id}-name`}>{t('auth.name')}</label>
            <input
              id={`${id}-name`}
              required
              value={form.name}
              onChange={(event) => setForm({ ...form, name: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-email`}>{t('auth.email')}</label>
            <input
              id={`${id}-email`}
              type="email"
              required
              value={form.email}
              onChange={(event) => setForm({ ...form, email: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>{t('auth.password')}</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="new-password"
              minLength={8}
              required
              value={form.password}
              onChange={(event) => setForm({ ...form, password: event.target.value })}
            />
          </div>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.admin}
              onChange={(event) => setForm({ ...form, admin: event.target.checked })}
            />
            {t('admin.makeAdmin')}
          </label>
          <button type="submit" className="button button-primary">
            {t('admin.create')}
          </button>
        </form>
      </section>
    </div>
  );
}
