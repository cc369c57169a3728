// The journal's filters: a form whose values live in the page's address (?action=key.&actor=…),
// so that a filtered journal is a link. "Who" and "Account concerned" take an e-mail address or an
// id, with the accounts matching what is typed offered (the admin users API's search).
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_ACTIONS, AUDIT_TARGET_KINDS } from '../../shared/audit.ts';
import { type AuditParams, api } from '../api/client.ts';
import { Field } from '../components/field.tsx';
import { ACTION_GROUPS, actionName, groupName, kindName } from './audit-words.ts';

export const AUDIT_FILTER_NAMES = [
  'actor',
  'subject',
  'action',
  'targetKind',
  'targetId',
  'outcome',
  'from',
  'to',
] as const;

/** The filters an address holds (unknown parameters ignored; the server validates the rest). */
export function auditFiltersFrom(search: URLSearchParams): AuditParams {
  const params: AuditParams = {};
  for (const name of AUDIT_FILTER_NAMES) {
    const value = search.get(name);
    if (value) params[name] = value;
  }
  return params;
}

/** The e-mail addresses of the accounts matching what is typed (at most ten). */
function useAccountSuggestions(text: string | undefined): string[] {
  const [emails, setEmails] = useState<string[]>([]);
  useEffect(() => {
    const query = text?.trim() ?? '';
    if (query.length < 2) {
      setEmails([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api.users({ q: query, limit: 10 }).then(
        (list) => current && setEmails(list.users.map((user) => user.email)),
        () => current && setEmails([]),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text]);
  return emails;
}

export function AuditFilters({ value, onApply }: { value: AuditParams; onApply: (params: AuditParams) => void }) {
  const { t } = useTranslation();
  const listId = useId();
  const [draft, setDraft] = useState<AuditParams>(value);
  useEffect(() => setDraft(value), [value]);
  const set = (name: keyof AuditParams) => (text: string) => setDraft((current) => ({ ...current, [name]: text }));
  const [typing, setTyping] = useState<string | undefined>();
  const suggestions = useAccountSuggestions(typing);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const cleaned: AuditParams = {};
    for (const [name, text] of Object.entries(draft)) {
      const trimmed = text?.trim();
      if (trimmed) cleaned[name as keyof AuditParams] = trimmed;
    }
    onApply(cleaned);
  };

  const account = (name: 'actor' | 'subject', label: string, hint: string) => (
    <Field label={label} hint={hint}>
      {(control) => (
        <input
          {...control}
          type="text"
          name={name}
          list={listId}
          autoComplete="off"
          value={draft[name] ?? ''}
          onChange={(e) => {
            set(name)(e.target.value);
            setTyping(e.target.value);
          }}
        />
      )}
    </Field>
  );
  const date = (name: 'from' | 'to', label: string) => (
    <Field label={label}>
      {(control) => (
        <input
          {...control}
          type="date"
          name={name}
          value={(draft[name] ?? '').slice(0, 10)}
          onChange={(e) => set(name)(e.target.value)}
        />
      )}
    </Field>
  );
  const known = new Set<string>([...AUDIT_ACTIONS, ...ACTION_GROUPS.map((group) => `${group}.`)]);

  return (
    <form className="card request-filters" onSubmit={submit} aria-label={t('audit.filters')}>
      <datalist id={listId}>
        {suggestions.map((email) => (
          <option key={email} value={email} />
        ))}
      </datalist>
      <div className="filters-grid">
        {account('actor', t('audit.actor'), t('audit.actorHint'))}
        {account('subject', t('audit.subject'), t('audit.subjectHint'))}
        <Field label={t('audit.action')}>
          {(control) => (
            <select
              {...control}
              name="action"
              value={draft.action ?? ''}
              onChange={(e) => set('action')(e.target.value)}
            >
              <option value="">{t('audit.anyAction')}</option>
              {ACTION_GROUPS.map((group) => (
                <optgroup key={group} label={groupName(t, group)}>
                  <option value={`${group}.`}>{t('audit.group', { name: groupName(t, group) })}</option>
                  {AUDIT_ACTIONS.filter((action) => action.startsWith(`${group}.`)).map((action) => (
                    <option key={action} value={action}>
                      {actionName(t, action)}
                    </option>
                  ))}
                </optgroup>
              ))}
              {draft.action && !known.has(draft.action) && <option value={draft.action}>{draft.action}</option>}
            </select>
          )}
        </Field>
        <Field label={t('audit.targetKind')}>
          {(control) => (
            <select
              {...control}
              name="targetKind"
              value={draft.targetKind ?? ''}
              onChange={(e) => set('targetKind')(e.target.value)}
            >
              <option value="">{t('audit.anyTarget')}</option>
              {AUDIT_TARGET_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kindName(t, kind)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('audit.targetId')}>
          {(control) => (
            <input
              {...control}
              type="text"
              name="targetId"
              value={draft.targetId ?? ''}
              onChange={(e) => set('targetId')(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('audit.outcome')}>
          {(control) => (
            <select
              {...control}
              name="outcome"
              value={draft.outcome ?? ''}
              onChange={(e) => set('outcome')(e.target.value)}
            >
              <option value="">{t('audit.anyOutcome')}</option>
              <option value="success">{t('audit.outcomes.success')}</option>
              <option value="failure">{t('audit.outcomes.failure')}</option>
            </select>
          )}
        </Field>
        {date('from', t('audit.from'))}
        {date('to', t('audit.to'))}
      </div>
      <div className="form-actions">
        <button type="submit" className="button">
          {t('audit.apply')}
        </button>
        <button
          type="button"
          className="button button-ghost"
          onClick={() => {
            setDraft({});
            onApply({});
          }}
        >
          {t('audit.clear')}
        </button>
      </div>
    </form>
  );
}
