// "Mon groupe": the group the signed-in user administers, its members and what each spent this
// month on the global keys; add an account in no group by its e-mail, take a member out. Anyone
// who administers no group is told so (the server answers 404).
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { GroupDetail } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { AddMemberForm, GroupMembers } from '../groups/group-members.tsx';
import { useSession } from '../session.tsx';

export function MyGroupPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [group, setGroup] = useState<GroupDetail | null | 'none'>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  useDocumentTitle(t('nav.myGroup'));

  const load = useCallback(async () => {
    try {
      setGroup(await api.myGroup());
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setGroup('none');
      else setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const add = async (email: string) => {
    setMessage(null);
    try {
      setGroup(await api.addToMyGroup(email));
      setMessage({ kind: 'success', text: t('groups.added', { email }) });
      return true;
    } catch (error) {
      const text =
        error instanceof ApiError && error.status === 404 ? t('groups.mine.noAccount') : errorMessage(t, error);
      setMessage({ kind: 'error', text });
      return false;
    }
  };

  return (
    <div className="page admin-page">
      <h1>{group && group !== 'none' ? `${t('nav.myGroup')} · ${group.name}` : t('nav.myGroup')}</h1>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {group === null && <p role="status">{t('app.loading')}</p>}
      {group === 'none' && <p>{t('groups.mine.notFound')}</p>}
      {group && group !== 'none' && (
        <>
          <p className="muted">{t('groups.mine.intro')}</p>
          {group.description && <p>{group.description}</p>}
          <section className="card">
            <h2>{t('groups.membersTitle')}</h2>
            <AddMemberForm hint={t('groups.mine.addIntro')} onAdd={add} />
            <GroupMembers
              caption={t('groups.membersTitle')}
              members={group.members}
              myId={user?.id}
              requestsOf={(member) => `/requests?user=${encodeURIComponent(member.userId)}`}
              onRemove={async (member) => {
                setMessage(null);
                try {
                  await api.removeFromMyGroup(member.userId);
                  setMessage({ kind: 'success', text: t('groups.removed', { name: member.name }) });
                  await load();
                } catch (error) {
                  setMessage({ kind: 'error', text: errorMessage(t, error) });
                }
              }}
            />
          </section>
        </>
      )}
    </div>
  );
}
