// Admin › Invitations: invite addresses (optionally into a group, by e-mail or by link), import a
// class list (CSV), see the links to pass on when no e-mail carried them (shown once, downloadable
// as CSV), list and revoke invitations.
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { ClassListError, CreatedInvitation, GroupView, InvitationView } from '../api/types.ts';
import { DataTable } from '../components/data-table.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { SignupLimitForm, SignupSwitch } from '../users/signup-limit-form.tsx';

const csvCell = (value: string) => `"${value.replace(/"/g, '""')}"`;

function linksCsv(made: CreatedInvitation[]) {
  const lines = made.filter((row) => row.url).map((row) => [row.email, row.url ?? ''].map(csvCell).join(';'));
  return `\uFEFFemail;lien\n${lines.join('\n')}\n`;
}

/** The group the invited accounts join ('' for none). */
function GroupSelect({
  label,
  hint,
  groups,
  value,
  onChange,
}: {
  label: ReactNode;
  hint: ReactNode;
  groups: GroupView[];
  value: string;
  onChange: (groupId: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Field label={label} hint={hint}>
      {(control) => (
        <select {...control} value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">{t('accounts.noGroup')}</option>
          {groups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Whether the links go by e-mail; without SMTP, off and disabled, saying the links will show here. */
function SendEmailSwitch({
  emailEnabled,
  checked,
  onChange,
}: {
  emailEnabled: boolean;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const { t } = useTranslation();
  const hintId = `${useId()}-hint`;
  const on = emailEnabled && checked;
  return (
    <div className="field">
      <label className="checkbox">
        <input
          type="checkbox"
          role="switch"
          checked={on}
          aria-checked={on}
          disabled={!emailEnabled}
          aria-describedby={hintId}
          onChange={(event) => onChange(event.target.checked)}
        />
        <span>{t('accounts.sendEmail')}</span>
      </label>
      <p id={hintId} className="field-hint">
        {emailEnabled ? t('accounts.sendEmailHint') : t('accounts.sendEmailUnavailable')}
      </p>
    </div>
  );
}

export function AdminInvitationsPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('accounts.invitationsTitle'));
  const locale = i18n.language.startsWith('en') ? 'en' : 'fr';
  const [list, setList] = useState<InvitationView[] | null>(null);
  const [emailEnabled, setEmailEnabled] = useState(false);
  const [signupLimit, setSignupLimit] = useState<number | null>(null);
  const [signup, setSignup] = useState<'open' | 'closed' | null>(null);
  const [emails, setEmails] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const [groups, setGroups] = useState<GroupView[]>([]);
  const [groupId, setGroupId] = useState('');
  const [sendEmail, setSendEmail] = useState(true);
  const [importGroupId, setImportGroupId] = useState('');
  const [importSendEmail, setImportSendEmail] = useState(true);
  const [days, setDays] = useState('7');
  const [csv, setCsv] = useState('');
  const [made, setMade] = useState<CreatedInvitation[]>([]);
  const [lineErrors, setLineErrors] = useState<ClassListError[]>([]);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const [invitations, settings, groupList] = await Promise.all([
        api.invitations(),
        api.accountSettings(),
        // Without the groups the form still invites, into no group.
        api.adminGroups().catch(() => ({ groups: [] as GroupView[] })),
      ]);
      setList(invitations.invitations);
      setGroups(groupList.groups);
      setEmailEnabled(settings.emailEnabled);
      setSignupLimit(settings.signupsPerAddressPerMinute);
      setSignup(settings.signup);
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const expiresInDays = Math.min(90, Math.max(1, Number.parseInt(days, 10) || 7));

  const run = async (action: () => Promise<{ invitations: CreatedInvitation[] }>) => {
    setBusy(true);
    setMessage(null);
    setLineErrors([]);
    try {
      const answer = await action();
      setMade(answer.invitations);
      setMessage({ kind: 'success', text: t('accounts.invited', { count: answer.invitations.length }) });
      void load();
      return true;
    } catch (error) {
      if (error instanceof ApiError && Array.isArray(error.details.errors)) {
        setLineErrors(error.details.errors as ClassListError[]);
      }
      setMessage({ kind: 'error', text: errorMessage(t, error) });
      return false;
    } finally {
      setBusy(false);
    }
  };

  const invite = async (event: FormEvent) => {
    event.preventDefault();
    const list = emails
      .split(/[\s,;]+/)
      .map((email) => email.trim())
      .filter(Boolean);
    if (list.length === 0) return;
    const body = { emails: list, role, groupId: groupId || null, expiresInDays, sendEmail: emailEnabled && sendEmail };
    if (await run(() => api.invite({ ...body, locale }))) setEmails('');
  };

  const importList = async (event: FormEvent) => {
    event.preventDefault();
    if (!csv) return;
    const body = { csv, groupId: importGroupId || null, expiresInDays, sendEmail: emailEnabled && importSendEmail };
    if (await run(() => api.importClassList({ ...body, locale }))) setCsv('');
  };

  const revoke = async (id: string) => {
    try {
      await api.revokeInvitation(id);
      void load();
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  };

  const withLinks = made.filter((row) => row.url);
  const groupName = (id: string | null) => (id ? (groups.find((group) => group.id === id)?.name ?? null) : null);
  const date = (iso: string) =>
    new Date(iso).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <div className="page admin-page">
      <h1>{t('accounts.invitationsTitle')}</h1>
      <p className="muted">
        {emailEnabled ? t('accounts.invitationsIntroEmail') : t('accounts.invitationsIntroLinks')}
      </p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {lineErrors.length > 0 && (
        <section className="card" aria-labelledby="class-list-errors">
          <h2 id="class-list-errors">{t('accounts.lineErrorsTitle')}</h2>
          <ul data-testid="class-list-errors">
            {lineErrors.map((problem) => (
              <li key={`${problem.line}-${problem.field}`}>
                {t('accounts.lineError', {
                  line: problem.line,
                  field: problem.field,
                  reason: t(`accounts.reasons.${problem.reason}`, { defaultValue: problem.reason }),
                })}
              </li>
            ))}
          </ul>
        </section>
      )}

      {withLinks.length > 0 && (
        <section className="card" aria-labelledby="invitation-links">
          <h2 id="invitation-links">{t('accounts.linksTitle')}</h2>
          <p className="muted">{t('accounts.linksIntro')}</p>
          <p>
            <a
              className="button"
              download="invitations.csv"
              href={`data:text/csv;charset=utf-8,${encodeURIComponent(linksCsv(withLinks))}`}
            >
              {t('accounts.downloadLinks')}
            </a>
          </p>
          <DataTable
            caption={t('accounts.linksTitle')}
            rows={withLinks}
            rowKey={(row) => row.id}
            rowTestId="invitation-link"
            columns={[
              { key: 'email', header: t('auth.email'), cell: (row) => row.email },
              {
                key: 'url',
                header: t('accounts.link'),
                cell: (row) => <code className="invitation-url">{row.url}</code>,
              },
            ]}
          />
        </section>
      )}

      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">{t('accounts.inviteTitle')}</h2>
        <form onSubmit={invite} className="form-stack" noValidate>
          <Field label={t('accounts.inviteEmails')} hint={t('accounts.inviteEmailsHint')}>
            {(control) => (
              <textarea {...control} rows={3} value={emails} onChange={(event) => setEmails(event.target.value)} />
            )}
          </Field>
          <Field label={t('accounts.role')}>
            {(control) => (
              <select {...control} value={role} onChange={(event) => setRole(event.target.value as 'user' | 'admin')}>
                <option value="user">{t('accounts.roleUser')}</option>
                <option value="admin">{t('accounts.roleAdmin')}</option>
              </select>
            )}
          </Field>
          <GroupSelect
            label={t('accounts.inviteGroup')}
            hint={t('accounts.inviteGroupHint')}
            groups={groups}
            value={groupId}
            onChange={setGroupId}
          />
          <SendEmailSwitch emailEnabled={emailEnabled} checked={sendEmail} onChange={setSendEmail} />
          <Field label={t('accounts.expiresInDays')}>
            {(control) => (
              <input
                {...control}
                type="number"
                min={1}
                max={90}
                value={days}
                onChange={(event) => setDays(event.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('accounts.inviteSubmit')}
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby="import-title">
        <h2 id="import-title">{t('accounts.importTitle')}</h2>
        <p className="muted">{t('accounts.importIntro')}</p>
        <form onSubmit={importList} className="form-stack" noValidate>
          <Field label={t('accounts.importFile')}>
            {(control) => (
              <input
                {...control}
                type="file"
                accept=".csv,text/csv,text/plain"
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  if (file) void file.text().then(setCsv);
                }}
              />
            )}
          </Field>
          <GroupSelect
            label={t('accounts.importGroup')}
            hint={t('accounts.importGroupHint')}
            groups={groups}
            value={importGroupId}
            onChange={setImportGroupId}
          />
          <SendEmailSwitch emailEnabled={emailEnabled} checked={importSendEmail} onChange={setImportSendEmail} />
          <button type="submit" className="button button-primary" disabled={busy || !csv}>
            {t('accounts.importSubmit')}
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby="invitations-list">
        <h2 id="invitations-list">{t('accounts.listTitle')}</h2>
        {list === null ? (
          <p role="status">{t('app.loading')}</p>
        ) : (
          <DataTable
            caption={t('accounts.listTitle')}
            rows={list}
            rowKey={(row) => row.id}
            rowTestId="invitation-row"
            empty={t('accounts.listEmpty')}
            columns={[
              { key: 'email', header: t('auth.email'), cell: (row) => row.email },
              {
                key: 'group',
                header: t('accounts.group'),
                cell: (row) => groupName(row.groupId) ?? <span className="muted">{t('accounts.noGroup')}</span>,
              },
              { key: 'status', header: t('accounts.status'), cell: (row) => t(`accounts.statuses.${row.status}`) },
              { key: 'expires', header: t('accounts.expires'), cell: (row) => date(row.expiresAt) },
              {
                key: 'actions',
                header: t('accounts.actions'),
                hiddenHeader: true,
                cell: (row) =>
                  row.status === 'pending' ? (
                    <button
                      type="button"
                      className="button button-ghost"
                      onClick={() => void revoke(row.id)}
                      aria-label={t('accounts.revokeFor', { email: row.email })}
                    >
                      {t('accounts.revoke')}
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </section>

      {signup !== null && <SignupSwitch key={signup} current={signup} />}
      {signupLimit !== null && <SignupLimitForm key={signupLimit} current={signupLimit} />}
    </div>
  );
}
