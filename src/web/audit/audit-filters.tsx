// The journal's filters: a form whose values live in the page's address (?action=key.&actor=…),
// so that a filtered journal is a link. "Who" and "Account concerned" take an e-mail address or an
// id, with the accounts matching what is typed offered (the admin users API's search).
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_ACTIONS, AUDIT_TARGET_KINDS } from '../../shared/audit.ts';
import { type AuditParams, api } from '../api/client.ts';
import { FilterActions, FilterDate, FilterSelect, FilterText, useFilterDraft } from '../components/filter-form.tsx';
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
  const { draft, set, submit, clear } = useFilterDraft(value, onApply);
  const [typing, setTyping] = useState<string | undefined>();
  const suggestions = useAccountSuggestions(typing);

  const account = (name: 'actor' | 'subject', label: string, hint: string) => (
    <FilterText
      name={name}
      label={label}
      hint={hint}
      list={listId}
      value={draft[name]}
      onChange={(text) => {
        set(name)(text);
        setTyping(text);
      }}
    />
  );
  const date = (name: 'from' | 'to', label: string) => (
    <FilterDate name={name} label={label} value={draft[name]} onChange={set(name)} />
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
        <FilterSelect name="action" label={t('audit.action')} value={draft.action} onChange={set('action')}>
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
        </FilterSelect>
        <FilterSelect
          name="targetKind"
          label={t('audit.targetKind')}
          value={draft.targetKind}
          onChange={set('targetKind')}
        >
          <option value="">{t('audit.anyTarget')}</option>
          {AUDIT_TARGET_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kindName(t, kind)}
            </option>
          ))}
        </FilterSelect>
        <FilterText name="targetId" label={t('audit.targetId')} value={draft.targetId} onChange={set('targetId')} />
        <FilterSelect name="outcome" label={t('audit.outcome')} value={draft.outcome} onChange={set('outcome')}>
          <option value="">{t('audit.anyOutcome')}</option>
          <option value="success">{t('audit.outcomes.success')}</option>
          <option value="failure">{t('audit.outcomes.failure')}</option>
        </FilterSelect>
        {date('from', t('audit.from'))}
        {date('to', t('audit.to'))}
      </div>
      <FilterActions apply={t('audit.apply')} clear={t('audit.clear')} onClear={clear} />
    </form>
  );
}
