// Admin › Groupes: every group (its members, budget per member, models), the form that creates
// one, and one group at a time opened under the list: its settings and its members.
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { GroupBody, GroupDetail, GroupView } from '../api/types.ts';
import { type Column, DataTable } from '../components/data-table.tsx';
import { Notice } from '../components/notice.tsx';
import { useCatalog } from '../components/use-catalog.ts';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { GroupForm } from '../groups/group-form.tsx';
import { AddMemberForm, GroupMembers } from '../groups/group-members.tsx';
import { budgetAmount } from '../limits/budget-text.ts';

type Message = { kind: 'error' | 'success'; text: string } | null;

export function AdminGroupsPage() {
  const { t } = useTranslation();
  const { catalog } = useCatalog();
  const id = useId();
  const editorId = `${id}-group`;
  const [groups, setGroups] = useState<GroupView[] | null>(null);
  const [open, setOpen] = useState<GroupDetail | null>(null);
  const [message, setMessage] = useState<Message>(null);
  useDocumentTitle(t('groups.title'));

  const fail = useCallback((error: unknown) => setMessage({ kind: 'error', text: errorMessage(t, error) }), [t]);

  const load = useCallback(async () => {
    try {
      setGroups((await api.adminGroups()).groups);
    } catch (error) {
      fail(error);
    }
  }, [fail]);

  useEffect(() => {
    void load();
  }, [load]);

  const openGroup = async (groupId: string | null) => {
    if (!groupId) return setOpen(null);
    try {
      setOpen(await api.adminGroup(groupId));
    } catch (error) {
      fail(error);
    }
  };

  const create = async (body: GroupBody) => {
    setMessage(null);
    try {
      const created = await api.createGroup(body);
      setMessage({ kind: 'success', text: t('groups.created', { name: created.name }) });
      void load();
      return true;
    } catch (error) {
      fail(error);
      return false;
    }
  };

  const save = async (group: GroupDetail, body: GroupBody) => {
    setMessage(null);
    try {
      const saved = await api.updateGroup(group.id, body);
      setMessage({ kind: 'success', text: t('groups.saved', { name: saved.name }) });
      setOpen({ ...group, ...saved });
      void load();
      return true;
    } catch (error) {
      fail(error);
      return false;
    }
  };

  const remove = async (group: GroupView) => {
    if (!window.confirm(t('groups.confirmDelete', { name: group.name }))) return;
    setMessage(null);
    try {
      await api.deleteGroup(group.id);
      if (open?.id === group.id) setOpen(null);
      setMessage({ kind: 'success', text: t('groups.deleted', { name: group.name }) });
      void load();
    } catch (error) {
      fail(error);
    }
  };

  const addMember = async (group: GroupDetail, email: string) => {
    setMessage(null);
    try {
      const found = (await api.users({ q: email, limit: 10 })).users.find(
        (user) => user.email.toLowerCase() === email.toLowerCase(),
      );
      if (!found) {
        setMessage({ kind: 'error', text: t('groups.noAccount') });
        return false;
      }
      setOpen(await api.setGroupMember(group.id, found.id, 'member'));
      setMessage({ kind: 'success', text: t('groups.added', { email: found.email }) });
      void load();
      return true;
    } catch (error) {
      fail(error);
      return false;
    }
  };

  const columns: Column<GroupView>[] = [
    {
      key: 'name',
      header: t('groups.name'),
      cell: (group) => (
        <>
          {group.name}
          {group.description && <div className="muted">{group.description}</div>}
        </>
      ),
    },
    { key: 'members', header: t('groups.members'), numeric: true, cell: (group) => group.memberCount },
    {
      key: 'budget',
      header: t('groups.budget'),
      cell: (group) => {
        const budget = group.budgets;
        const parts: string[] = [];
        if (budget) {
          const add = (value: number | null, unit: 'microusd' | 'tokens', period: 'perDay' | 'perMonth') => {
            if (value !== null) parts.push(t(`groups.${period}`, { amount: budgetAmount(t, unit, value) }));
          };
          add(budget.dayMicrousd, 'microusd', 'perDay');
          add(budget.monthMicrousd, 'microusd', 'perMonth');
          add(budget.dayTokens, 'tokens', 'perDay');
          add(budget.monthTokens, 'tokens', 'perMonth');
        }
        return parts.length === 0 ? (
          <span className="muted">{t('groups.noBudget')}</span>
        ) : (
          parts.map((part) => <div key={part}>{part}</div>)
        );
      },
    },
    {
      key: 'models',
      header: t('groups.models'),
      cell: (group) =>
        group.models === null ? t('groups.allModels') : t('groups.modelsCount', { count: group.models.length }),
    },
    {
      key: 'actions',
      header: t('groups.actions'),
      className: 'row-actions',
      cell: (group) => (
        <>
          <button
            type="button"
            className="button button-small"
            aria-expanded={open?.id === group.id}
            aria-controls={editorId}
            aria-label={t('groups.editFor', { name: group.name })}
            onClick={() => void openGroup(open?.id === group.id ? null : group.id)}
          >
            {t('groups.edit')}
          </button>
          <button
            type="button"
            className="button button-small button-danger-outline"
            aria-label={t('groups.deleteFor', { name: group.name })}
            onClick={() => void remove(group)}
          >
            {t('common.delete')}
          </button>
        </>
      ),
    },
  ];

  return (
    <div className="page admin-page">
      <h1>{t('groups.title')}</h1>
      <p className="muted">{t('groups.intro')}</p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {groups === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <DataTable
          caption={t('groups.caption')}
          columns={columns}
          rows={groups}
          rowKey={(group) => group.id}
          rowTestId="group-row"
          empty={t('groups.empty')}
          wrapperClassName="table-wrap card"
        />
      )}

      {open && (
        <section className="card group-editor" id={editorId} aria-labelledby={`${editorId}-title`}>
          <h2 id={`${editorId}-title`}>{t('groups.editTitle', { name: open.name })}</h2>
          <GroupForm
            key={`${open.id}-${open.updatedAt}`}
            group={open}
            catalog={catalog}
            submitLabel={t('groups.save')}
            onSubmit={(body) => save(open, body)}
            onCancel={() => setOpen(null)}
          />
          <h3>{t('groups.membersTitle')}</h3>
          <AddMemberForm hint={t('groups.moveHint')} onAdd={(email) => addMember(open, email)} />
          <GroupMembers
            caption={t('groups.membersTitle')}
            members={open.members}
            requestsOf={(member) => `/admin/requests?user=${encodeURIComponent(member.userId)}`}
            onRole={async (member, role) => {
              try {
                setOpen(await api.setGroupMember(open.id, member.userId, role));
              } catch (error) {
                fail(error);
              }
            }}
            onRemove={async (member) => {
              try {
                await api.removeGroupMember(open.id, member.userId);
                setMessage({ kind: 'success', text: t('groups.removed', { name: member.name }) });
                setOpen(await api.adminGroup(open.id));
                void load();
              } catch (error) {
                fail(error);
              }
            }}
          />
        </section>
      )}

      <section className="card" aria-labelledby={`${id}-create`}>
        <h2 id={`${id}-create`}>{t('groups.createTitle')}</h2>
        <GroupForm group={null} catalog={catalog} submitLabel={t('groups.create')} onSubmit={create} />
      </section>
    </div>
  );
}
