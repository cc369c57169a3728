// The one way the web app talks to the server: JSON over fetch with the session cookie, errors
// turned into ApiError (WeBox's {error: {code, message}} shape and better-auth's {code, message}).

import type { AuditPage, AuditSettingsView, SecurityEventsPage } from '../../shared/audit-log.ts';
import type { ConversationStreamEvent, SendMessageBody } from '../../shared/conversations.ts';
import { type AuthErrorCode, type ErrorCode, isAuthErrorCode, isErrorCode } from '../../shared/error-codes.ts';
import type {
  AdminLimits,
  BudgetLimitsView,
  DefaultLimits,
  LimitOverride,
  MyLimits,
  UserLimitsDetail,
} from '../../shared/limits.ts';
import type { OperatorBudgetSettings, OperatorBudgetView } from '../../shared/operator-budget.ts';
import type { RequestLogPage } from '../../shared/request-log.ts';
import type { UsageRangeReport, UsageReport } from '../../shared/usage.ts';
import { readEvents } from './sse.ts';
import type {
  AccessToken,
  AccountImpact,
  AccountSettingsView,
  AdminPasswordReset,
  AdminUser,
  AdminUserList,
  AdminUsersParams,
  BillingSettingsView,
  BillingView,
  ConversationDetail,
  ConversationSummary,
  CreatedAccessToken,
  CreatedInvitation,
  DisplaySettingsBody,
  DisplaySettingsView,
  FirstRunBody,
  FirstRunView,
  GlobalKeyImpact,
  GlobalKeyState,
  GroupBody,
  GroupDetail,
  GroupView,
  InvitationView,
  Me,
  ModelSettingsView,
  PlanBody,
  PlanView,
  ProviderInfo,
  PublicInvitation,
  RevenueView,
  SavedKey,
  ServerInfo,
  SsoPublicView,
  SsoSettingsBody,
  SsoSettingsView,
  UserKeyState,
} from './types.ts';

/**
 * Codes of the web app's own, for a failure that brought no code it knows: no answer at all
 * (network_error), an answer in neither error shape (http_error), or a code of neither list
 * (unknown; the code as received is kept in `details.code`).
 */
export type ClientErrorCode = 'network_error' | 'http_error' | 'unknown';

export type ApiErrorCode = ErrorCode | AuthErrorCode | ClientErrorCode;

/** A received code as one this app knows, or 'unknown'. */
function knownCode(code: unknown): ErrorCode | AuthErrorCode | 'unknown' {
  return isErrorCode(code) || isAuthErrorCode(code) ? code : 'unknown';
}

/**
 * The code and extra fields of an error body's `{code, message, …}`; a code this app does not
 * know becomes 'unknown', and stays readable in `details.code`.
 */
export function readErrorFields(fields: Record<string, unknown>): {
  code: ErrorCode | AuthErrorCode | 'unknown';
  message: string | undefined;
  details: Record<string, unknown>;
} {
  const { code, message, ...details } = fields;
  const known = knownCode(code);
  return {
    code: known,
    message: typeof message === 'string' ? message : undefined,
    details: known === 'unknown' && code !== undefined ? { ...details, code: String(code) } : details,
  };
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown>;
  /** From the answer's Retry-After header, when it sent one. */
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Seconds from a Retry-After header: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Reads an error body of either shape; a body that is neither still gives a usable error. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML page): the status alone must do.
  }
  const record = (body ?? {}) as Record<string, unknown>;
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  const inner = record.error;
  if (inner && typeof inner === 'object') {
    const { code, message, details } = readErrorFields(inner as Record<string, unknown>);
    return new ApiError(response.status, code, message ?? '', details, retryAfter);
  }
  if (typeof record.code === 'string') {
    // better-auth's shape: only its code and message count.
    const { code, message, details } = readErrorFields({ code: record.code, message: record.message });
    return new ApiError(response.status, code, message ?? '', details, retryAfter);
  }
  return new ApiError(response.status, response.status === 404 ? 'not_found' : 'http_error', response.statusText);
}

async function request<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', String(error));
  }
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A usage report's address: the JSON the pages read, or the CSV export the same table links to. */
export function usageUrl(
  scope: 'mine' | 'admin',
  options: { from: string; to: string; groupBy: string; userId?: string; format?: 'csv'; lang?: 'fr' | 'en' },
) {
  const query = new URLSearchParams({ from: options.from, to: options.to, groupBy: options.groupBy });
  if (options.userId) query.set('userId', options.userId);
  if (options.format) query.set('format', options.format);
  if (options.lang) query.set('lang', options.lang);
  return `${scope === 'admin' ? '/api/admin/usage' : '/api/usage'}?${query}`;
}

/** The request log's filters as the page's address and the API's query share them (strings). */
export type RequestLogParams = Partial<
  Record<
    'user' | 'provider' | 'model' | 'source' | 'status' | 'error' | 'from' | 'to' | 'estimated' | 'unpriced',
    string
  >
>;

/** A page of the request log, or its CSV export (every matching row), for the user or the admin. */
export function requestLogUrl(
  scope: 'mine' | 'admin',
  params: RequestLogParams,
  options: { cursor?: string | null; limit?: number; format?: 'csv'; lang?: 'fr' | 'en' } = {},
) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  if (options.cursor) query.set('cursor', options.cursor);
  if (options.limit) query.set('limit', String(options.limit));
  if (options.format) query.set('format', options.format);
  if (options.lang) query.set('lang', options.lang);
  const text = query.toString();
  return `${scope === 'admin' ? '/api/admin/requests' : '/api/requests'}${text ? `?${text}` : ''}`;
}

/** The journal's filters as the page's address and the API's query share them (strings). */
export type AuditParams = Partial<
  Record<'actor' | 'subject' | 'action' | 'targetKind' | 'targetId' | 'outcome' | 'from' | 'to', string>
>;

/** A page of the audit journal, or its CSV export (every matching row). */
export function auditUrl(
  params: AuditParams,
  options: { cursor?: string | null; limit?: number; format?: 'csv'; lang?: 'fr' | 'en' } = {},
) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  if (options.cursor) query.set('cursor', options.cursor);
  if (options.limit) query.set('limit', String(options.limit));
  if (options.format) query.set('format', options.format);
  if (options.lang) query.set('lang', options.lang);
  const text = query.toString();
  return `/api/admin/audit${text ? `?${text}` : ''}`;
}

const get = <T>(url: string) => request<T>('GET', url);
const send = <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
  request<T>(method, url, body);

export const api = {
  me: () => get<Me>('/api/me'),
  signIn: (body: { email: string; password: string }) => send<unknown>('POST', '/api/auth/sign-in/email', body),
  signUp: (body: { name: string; email: string; password: string }) =>
    send<unknown>('POST', '/api/auth/sign-up/email', body),
  signOut: () => send<unknown>('POST', '/api/auth/sign-out', {}),
  requestPasswordReset: (email: string) => send<unknown>('POST', '/api/auth/request-password-reset', { email }),
  resetPassword: (token: string, newPassword: string) =>
    send<unknown>('POST', '/api/auth/reset-password', { token, newPassword }),
  invitation: (token: string) => get<PublicInvitation>(`/api/invitations/${encodeURIComponent(token)}`),
  acceptInvitation: (token: string, body: { name: string; password: string }) =>
    send<unknown>('POST', `/api/invitations/${encodeURIComponent(token)}/accept`, body),
  invitations: () => get<{ invitations: InvitationView[] }>('/api/admin/invitations'),
  invite: (body: {
    emails: string[];
    role?: 'admin' | 'user';
    groupId?: string | null;
    expiresInDays?: number;
    sendEmail?: boolean;
    locale?: 'fr' | 'en';
  }) => send<{ invitations: CreatedInvitation[] }>('POST', '/api/admin/invitations', body),
  importClassList: (body: {
    csv: string;
    groupId?: string | null;
    expiresInDays?: number;
    sendEmail?: boolean;
    locale?: 'fr' | 'en';
  }) => send<{ invitations: CreatedInvitation[] }>('POST', '/api/admin/invitations/import', body),
  revokeInvitation: (id: string) => send<void>('DELETE', `/api/admin/invitations/${encodeURIComponent(id)}`),
  adminPasswordReset: (userId: string, body: { password?: string; sendEmail?: boolean; locale?: 'fr' | 'en' }) =>
    send<AdminPasswordReset>('POST', `/api/admin/users/${encodeURIComponent(userId)}/password-reset`, body),
  accountSettings: () => get<AccountSettingsView>('/api/admin/account-settings'),
  saveAccountSettings: (body: { signupsPerAddressPerMinute?: number | null; signup?: 'open' | 'closed' }) =>
    send<AccountSettingsView>('PUT', '/api/admin/account-settings', body),

  /** Whether the sign-in page offers single sign-on, and under which name. */
  sso: () => get<SsoPublicView>('/api/sso'),
  /** Starts a single sign-on: the identity provider's address, where the browser goes next. */
  startSso: (providerId: string) =>
    send<{ url: string }>('POST', '/api/auth/sign-in/social', {
      provider: providerId,
      callbackURL: '/',
      errorCallbackURL: '/sign-in',
    }),
  ssoSettings: () => get<SsoSettingsView>('/api/admin/sso'),
  saveSsoSettings: (body: SsoSettingsBody) => send<SsoSettingsView>('PUT', '/api/admin/sso', body),

  /** Two-factor set-up: the otpauth URI and the recovery codes (shown once); on after verifyTotp. */
  enableTwoFactor: (password: string | undefined) =>
    send<{ totpURI: string; backupCodes: string[] }>('POST', '/api/auth/two-factor/enable', { password }),
  /** A TOTP code: the set-up's confirmation, or the sign-in's second step. */
  verifyTotp: (code: string) => send<unknown>('POST', '/api/auth/two-factor/verify-totp', { code }),
  verifyBackupCode: (code: string) => send<unknown>('POST', '/api/auth/two-factor/verify-backup-code', { code }),
  disableTwoFactor: (password: string | undefined) =>
    send<unknown>('POST', '/api/auth/two-factor/disable', { password }),

  providers: () => get<{ providers: ProviderInfo[]; defaultModel?: string | null }>('/api/providers'),
  keys: () => get<{ providers: UserKeyState[] }>('/api/keys'),
  savePersonalKey: (provider: string, apiKey: string, verify = false) =>
    send<SavedKey>('PUT', `/api/keys/${encodeURIComponent(provider)}`, { apiKey, verify }),
  deletePersonalKey: (provider: string) => send<void>('DELETE', `/api/keys/${encodeURIComponent(provider)}`),
  globalKeys: () => get<{ providers: GlobalKeyState[] }>('/api/admin/keys'),
  /** `verify` (the default) asks the provider first; false saves the key unchecked. */
  saveGlobalKey: (provider: string, apiKey: string, verify = true) =>
    send<SavedKey>('PUT', `/api/admin/keys/${encodeURIComponent(provider)}`, { apiKey, verify }),
  /** How many users deleting this global key would cut off. */
  globalKeyImpact: (provider: string) => get<GlobalKeyImpact>(`/api/admin/keys/${encodeURIComponent(provider)}/impact`),

  /** The server's public address (WEBOX_PUBLIC_URL's origin), readable signed out. */
  info: () => get<ServerInfo>('/api/info'),
  firstRun: () => get<FirstRunView>('/api/admin/first-run'),
  saveFirstRun: (body: FirstRunBody) => send<FirstRunView>('PUT', '/api/admin/first-run', body),
  deleteGlobalKey: (provider: string) => send<void>('DELETE', `/api/admin/keys/${encodeURIComponent(provider)}`),

  conversations: () => get<{ conversations: ConversationSummary[] }>('/api/conversations'),
  conversation: (id: string) => get<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`),
  createConversation: (body: { provider: string; model: string; title?: string }) =>
    send<ConversationSummary>('POST', '/api/conversations', body),
  updateConversation: (id: string, body: { title?: string; provider?: string; model?: string }) =>
    send<ConversationSummary>('PATCH', `/api/conversations/${encodeURIComponent(id)}`, body),
  deleteConversation: (id: string) => send<void>('DELETE', `/api/conversations/${encodeURIComponent(id)}`),

  /** The request log: one page, newest first (`cursor`: the previous page's nextCursor). */
  requestLog: (scope: 'mine' | 'admin', params: RequestLogParams, cursor: string | null, limit: number) =>
    get<RequestLogPage>(requestLogUrl(scope, params, { cursor, limit })),

  audit: (params: AuditParams, cursor: string | null, limit: number) =>
    get<AuditPage>(auditUrl(params, { cursor, limit })),
  auditSettings: () => get<AuditSettingsView>('/api/admin/audit/settings'),
  saveAuditSettings: (retentionDays: number) =>
    send<AuditSettingsView>('PUT', '/api/admin/audit/settings', { retentionDays }),
  securityEvents: (cursor: string | null, limit = 20) =>
    get<SecurityEventsPage>(
      `/api/me/security-events?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    ),

  /** Admin › Users: one page of accounts matching the search (every account without a limit). */
  users: (query: AdminUsersParams = {}) => {
    const params = new URLSearchParams(
      Object.entries(query).flatMap(([key, value]) =>
        value === undefined || value === '' ? [] : [[key, String(value)] as [string, string]],
      ),
    );
    const search = params.toString();
    return get<AdminUserList>(`/api/admin/users${search ? `?${search}` : ''}`);
  },
  userImpact: (id: string) => get<AccountImpact>(`/api/admin/users/${encodeURIComponent(id)}/impact`),
  deleteUser: (id: string) => send<void>('DELETE', `/api/admin/users/${encodeURIComponent(id)}`),

  adminGroups: () => get<{ groups: GroupView[] }>('/api/admin/groups'),
  adminGroup: (id: string) => get<GroupDetail>(`/api/admin/groups/${encodeURIComponent(id)}`),
  createGroup: (body: GroupBody) => send<GroupView>('POST', '/api/admin/groups', body),
  updateGroup: (id: string, body: Partial<GroupBody>) =>
    send<GroupView>('PATCH', `/api/admin/groups/${encodeURIComponent(id)}`, body),
  deleteGroup: (id: string) => send<void>('DELETE', `/api/admin/groups/${encodeURIComponent(id)}`),
  setGroupMember: (id: string, userId: string, role: 'member' | 'admin') =>
    send<GroupDetail>('PUT', `/api/admin/groups/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, {
      role,
    }),
  removeGroupMember: (id: string, userId: string) =>
    send<void>('DELETE', `/api/admin/groups/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`),
  /** The group the signed-in user administers (404 for anyone else). */
  myGroup: () => get<GroupDetail>('/api/group'),
  addToMyGroup: (email: string) => send<GroupDetail>('POST', '/api/group/members', { email }),
  removeFromMyGroup: (userId: string) => send<void>('DELETE', `/api/group/members/${encodeURIComponent(userId)}`),
  modelSettings: () => get<ModelSettingsView>('/api/admin/models'),
  saveModelSettings: (body: { offered?: 'all' | string[]; defaultModel?: string | null }) =>
    send<ModelSettingsView>('PUT', '/api/admin/models', body),

  createUser: (body: { name: string; email: string; password: string; role?: 'admin' | 'user' }) =>
    send<AdminUser>('POST', '/api/admin/users', body),
  updateUser: (id: string, body: { role?: 'admin' | 'user'; disabled?: boolean; name?: string }) =>
    send<AdminUser>('PATCH', `/api/admin/users/${encodeURIComponent(id)}`, body),

  /** One range's report for the usage page: totals and series by day, model (and user, admins). */
  usageReport: (scope: 'mine' | 'admin', range: { from: string; to: string }) =>
    get<UsageRangeReport>(
      `${scope === 'admin' ? '/api/admin/usage/report' : '/api/usage/report'}?${new URLSearchParams(range)}`,
    ),
  usage: (scope: 'mine' | 'admin', options: { from: string; to: string; groupBy: string; userId?: string }) =>
    get<UsageReport>(usageUrl(scope, options)),

  limits: () => get<MyLimits>('/api/limits'),
  adminLimits: () => get<AdminLimits>('/api/admin/limits'),
  saveDefaultLimits: (body: {
    global: BudgetLimitsView;
    personal: BudgetLimitsView;
    minUsefulOutputTokens?: number | null;
  }) => send<DefaultLimits>('PUT', '/api/admin/limits/default', body),
  operatorBudget: () => get<OperatorBudgetView>('/api/admin/operator-budget'),
  saveOperatorBudget: (body: OperatorBudgetSettings) =>
    send<OperatorBudgetView>('PUT', '/api/admin/operator-budget', body),
  saveUserLimits: (id: string, body: LimitOverride) =>
    send<UserLimitsDetail>('PUT', `/api/admin/users/${encodeURIComponent(id)}/limits`, body),

  billing: () => get<BillingView>('/api/billing'),
  plans: () => get<{ plans: PlanView[] }>('/api/plans'),
  /** Stripe Checkout's address for this plan and interval. */
  checkout: (planId: string, interval: 'month' | 'year') =>
    send<{ url: string }>('POST', '/api/billing/checkout', { planId, interval }),
  /** Stripe Customer Portal's address. */
  portal: () => send<{ url: string }>('POST', '/api/billing/portal', {}),
  adminPlans: () => get<{ plans: PlanView[] }>('/api/admin/plans'),
  createPlan: (body: PlanBody) => send<PlanView>('POST', '/api/admin/plans', body),
  updatePlan: (id: string, body: Partial<PlanBody> & { active?: boolean }) =>
    send<PlanView>('PATCH', `/api/admin/plans/${encodeURIComponent(id)}`, body),
  billingSettings: () => get<BillingSettingsView>('/api/admin/billing'),
  displaySettings: () => get<DisplaySettingsView>('/api/settings/display'),
  saveDisplaySettings: (body: DisplaySettingsBody) =>
    send<DisplaySettingsView>('PUT', '/api/admin/settings/display', body),
  saveBillingSettings: (body: Partial<Omit<BillingSettingsView, 'enabled'>>) =>
    send<BillingSettingsView>('PUT', '/api/admin/billing', body),
  /** Grants a plan by hand (planId null removes the grant); `until` ends it. */
  grantPlan: (userId: string, body: { planId: string | null; until?: string | null }) =>
    send<BillingView>('PUT', `/api/admin/users/${encodeURIComponent(userId)}/plan`, body),
  revenue: (range: { from: string; to: string }) =>
    get<RevenueView>(`/api/admin/billing/revenue?${new URLSearchParams(range)}`),

  tokens: () => get<{ tokens: AccessToken[] }>('/api/tokens'),
  createToken: (body: { name: string; expiresAt?: string; requestsPerMinute?: number }) =>
    send<CreatedAccessToken>('POST', '/api/tokens', body),
  revokeToken: (id: string) => send<void>('DELETE', `/api/tokens/${encodeURIComponent(id)}`),

  /**
   * Sends a message and yields the answer's events as they stream in. An error before the answer
   * starts throws ApiError; one after it arrives as an `error` event. Abort with `signal`.
   */
  async *sendMessage(
    conversationId: string,
    body: SendMessageBody,
    signal: AbortSignal,
  ): AsyncGenerator<ConversationStreamEvent> {
    let response: Response;
    try {
      response = await fetch(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal.aborted) return;
      throw new ApiError(0, 'network_error', String(error));
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (!response.body) throw new ApiError(response.status, 'provider_error', 'Empty answer.');
    try {
      for await (const event of readEvents(response.body)) yield event as ConversationStreamEvent;
    } catch (error) {
      if (signal.aborted) return;
      throw new ApiError(0, 'network_error', String(error));
    }
  },
};
