// A group's members (Admin › Groupes and the group admin's page): each with their role and what
// they spent this month on the global keys; take a member out, add one by e-mail, and (site admins
// only) make a member the group's admin or not.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { GroupMemberView } from '../api/types.ts';
import { type Column, DataTable } from '../components/data-table.tsx';
import { Field } from '../components/field.tsx';
import { useFormat } from '../format.ts';
import { budgetAmount } from '../limits/budget-text.ts';

export function GroupMembers({
  caption,
  members,
  myId,
  onRemove,
  onRole,
  requestsOf,
}: {
  caption: string;
  members: GroupMemberView[];
  myId?: string;
  onRemove: (member: GroupMemberView) => void;
  /** Site admins only: change a member's role. */
  onRole?: (member: GroupMemberView, role: 'member' | 'admin') => void;
  /** Where a member's requests are read (the request log, filtered to them). */
  requestsOf?: (member: GroupMemberView) => string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const columns: Column<GroupMemberView>[] = [
    { key: 'name', header: t('admin.name'), cell: (member) => member.name },
    { key: 'email', header: t('admin.email'), cell: (member) => member.email },
    {
      key: 'role',
      header: t('admin.role'),
      cell: (member) => (
        <span className={`badge ${member.role === 'admin' ? 'badge-admin' : 'badge-neutral'}`}>
          {t(`groups.role.${member.role}`)}
        </span>
      ),
    },
    {
      key: 'spent',
      header: t('groups.spentMonth'),
      testId: (member) => `member-spent-${member.userId}`,
      cell: (member) =>
        t('groups.spentValue', {
          money: format.money(member.spentGlobal.monthMicrousd),
          tokens: budgetAmount(t, 'tokens', member.spentGlobal.monthTokens),
        }),
    },
    {
      key: 'actions',
      header: t('admin.actions'),
      className: 'row-actions',
      cell: (member) => (
        <>
          {requestsOf && (
            <Link
              className="button button-small button-ghost"
              to={requestsOf(member)}
              aria-label={t('requests.ofUserFor', { name: member.name })}
            >
              {t('requests.ofUser')}
            </Link>
          )}
          {onRole && (
            <button
              type="button"
              className="button button-small"
              aria-label={t('groups.roleFor', { name: member.name })}
              onClick={() => onRole(member, member.role === 'admin' ? 'member' : 'admin')}
            >
              {member.role === 'admin' ? t('groups.makeMember') : t('groups.makeAdmin')}
            </button>
          )}
          {(onRole || (member.role === 'member' && member.userId !== myId)) && (
            <button
              type="button"
              className="button button-small button-danger-outline"
              aria-label={t('groups.removeFor', { name: member.name })}
              onClick={() => onRemove(member)}
            >
              {t('groups.remove')}
            </button>
          )}
        </>
      ),
    },
  ];
  return (
    <DataTable
      caption={caption}
      columns={columns}
      rows={members}
      rowKey={(member) => member.userId}
      rowTestId="member-row"
      empty={t('groups.noMembers')}
      wrapperClassName="table-wrap"
    />
  );
}

export function AddMemberForm({ hint, onAdd }: { hint: string; onAdd: (email: string) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onAdd(email.trim())) setEmail('');
  };
  return (
    <form className="group-add-form" onSubmit={submit}>
      <Field label={t('groups.addByEmail')} hint={hint}>
        {(control) => (
          <input {...control} type="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        )}
      </Field>
      <button type="submit" className="button button-primary">
        {t('groups.add')}
      </button>
    </form>
  );
}
