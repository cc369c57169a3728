// The journal's rows in words: each action's name, each target kind's, the details as a short
// sentence, and a user agent shortened to what a person recognises (browser and system).
import type { TFunction } from 'i18next';
import { AUDIT_ACTIONS, type AuditAction, type AuditDetails, type AuditTargetKind } from '../../shared/audit.ts';

/** The action filter's groups: each action's first word, as the API's prefix (`key.`). */
export const ACTION_GROUPS = [...new Set(AUDIT_ACTIONS.map((action) => action.split('.')[0] as string))];

/** i18n keys cannot hold the action's dots: key.personal.saved is audit.actions.key_personal_saved. */
const keyOf = (action: AuditAction) => action.replaceAll('.', '_');

export const actionName = (t: TFunction, action: AuditAction) => t(`audit.actions.${keyOf(action)}`);

/** "Your personal Anthropic key was replaced" (the profile's sentence). */
export const actionSentence = (t: TFunction, action: AuditAction, details: AuditDetails, providerName?: string) =>
  t(`audit.yours.${keyOf(action)}`, { provider: providerName ?? String(details.provider ?? '') });

export const groupName = (t: TFunction, group: string) => t(`audit.groups.${group}`);

export const kindName = (t: TFunction, kind: AuditTargetKind) => t(`audit.kinds.${kind}`);

const KNOWN_DETAILS = [
  'provider',
  'fingerprint',
  'from',
  'to',
  'retentionDaysBefore',
  'retentionDays',
  'removed',
  'olderThanDays',
] as const;

/** The details as a short phrase: known facts in words, the others as "name: value". */
export function detailsText(t: TFunction, details: AuditDetails, providerName?: (id: string) => string): string {
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== '')
    .map(([name, value]) => {
      const text = name === 'provider' && providerName ? providerName(String(value)) : String(value);
      return (KNOWN_DETAILS as readonly string[]).includes(name)
        ? t(`audit.detail.${name}`, { value: text })
        : t('audit.detail.other', { name, value: text });
    })
    .join(' · ');
}

/** "Firefox 133 · Windows" from a full user agent string; the string itself (clipped) otherwise. */
export function shortAgent(agent: string | null): string {
  if (!agent) return '';
  const browser =
    /(Edg|OPR|Firefox|Chrome|Version)\/(\d+)/.exec(agent) ??
    /^(curl|python-requests|node|Go-http-client|okhttp)\/?(\d+)?/i.exec(agent);
  const system = /(Windows|Android|iPhone|iPad|Mac OS X|Linux|CrOS)/.exec(agent)?.[1];
  if (!browser) return agent.length > 40 ? `${agent.slice(0, 39)}…` : agent;
  const names: Record<string, string> = { Edg: 'Edge', OPR: 'Opera', Version: 'Safari' };
  const name = names[browser[1] as string] ?? browser[1];
  const label = browser[2] ? `${name} ${browser[2]}` : String(name);
  return system ? `${label} · ${system === 'Mac OS X' ? 'macOS' : system}` : label;
}
