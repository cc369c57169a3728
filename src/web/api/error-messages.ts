// API error codes in the reader's words. The server's English message is a last resort: the user
// sees a sentence from the i18n files whenever the code is known.
import type { TFunction } from 'i18next';
import { type AuthErrorCode, type ErrorCode, isAuthErrorCode } from '../../shared/error-codes.ts';
import type { BudgetLineView } from '../../shared/limits.ts';
import { budgetAmount, lineTitle } from '../limits/budget-text.ts';
import { ApiError, type ApiErrorCode, type ClientErrorCode, readErrorFields } from './client.ts';

/**
 * How a WeBox code becomes a sentence. One entry per code, so that a new code fails the typecheck
 * until it has one, and the test until its sentence exists in both languages:
 * - plain: `errors.<code>`, which needs nothing but the code;
 * - provider: `errors.<code>`, naming the provider of the error's details (and quoting its message);
 * - message: `errors.<code>`, quoting the server's message (it says what is wrong);
 * - detailed: built from the error's details below, `errors.<code>` when they are missing;
 * - generic: no sentence of its own, read by its status (a 5xx as `errors.internal_error`, the
 *   rest as `errors.unknown`): codes the web app does not meet (those of /v1 and of Stripe's
 *   webhook) or that it answers no differently.
 */
export type SentenceKind = 'plain' | 'provider' | 'message' | 'detailed' | 'generic';

export const CODE_SENTENCES = {
  invalid_request: 'message',
  unauthenticated: 'plain',
  invalid_token: 'generic',
  forbidden: 'plain',
  invalid_origin: 'plain',
  not_found: 'plain',
  payload_too_large: 'plain',
  unsupported_media_type: 'generic',
  internal_error: 'plain',
  server_shutting_down: 'plain',
  client_closed: 'plain',
  email_taken: 'plain',
  cannot_change_self: 'plain',
  last_admin: 'plain',
  group_name_taken: 'plain',
  invitation_invalid: 'plain',
  invalid_class_list: 'plain',
  email_not_configured: 'plain',
  two_factor_required: 'plain',
  unknown_provider: 'plain',
  invalid_key_format: 'detailed',
  no_api_key: 'provider',
  vault_decrypt_failed: 'plain',
  provider_rejected_key: 'detailed',
  provider_rate_limited: 'provider',
  provider_bad_request: 'provider',
  provider_timeout: 'provider',
  provider_error: 'provider',
  rate_limited: 'plain',
  quota_exceeded: 'detailed',
  limits_unavailable: 'plain',
  unpriced_model: 'plain',
  subscription_required: 'detailed',
  model_not_in_plan: 'plain',
  already_subscribed: 'plain',
  no_customer: 'plain',
  billing_not_configured: 'plain',
  invalid_signature: 'generic',
  // The web app's own (ClientErrorCode).
  network_error: 'plain',
  http_error: 'generic',
  unknown: 'generic',
} as const satisfies Record<ErrorCode | ClientErrorCode, SentenceKind>;

/**
 * better-auth's codes → our auth.errors keys; null: read by its status, like a code of better-auth's
 * that is not listed (WeBox's own checks of these fields run before the form can send them).
 */
export const AUTH_SENTENCES = {
  SIGNUP_CLOSED: 'auth.errors.signupClosed',
  TOO_MANY_ATTEMPTS: 'auth.errors.tooManyAttempts',
  NOT_FOUND: null,
  INVALID_NAME: 'auth.errors.invalidName',
  INVALID_EMAIL: 'auth.errors.invalidEmail',
  INVALID_IMAGE: null,
  INVALID_BAN_REASON: null,
  INVALID_INPUT: null,
  INVALID_EMAIL_OR_PASSWORD: 'auth.errors.invalidCredentials',
  USER_ALREADY_EXISTS: 'auth.errors.emailTaken',
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: 'auth.errors.emailTaken',
  PASSWORD_TOO_SHORT: 'auth.errors.passwordTooShort',
  PASSWORD_TOO_LONG: 'auth.errors.passwordTooLong',
  BANNED_USER: 'auth.errors.disabled',
  INVALID_TOKEN: 'auth.errors.invalidResetLink',
  SSO_ONLY: 'auth.errors.ssoOnly',
  SSO_EMAIL_UNVERIFIED: 'auth.errors.ssoEmailUnverified',
  SSO_FIRST_ACCOUNT: 'auth.errors.ssoFirstAccount',
  INVALID_PASSWORD: 'auth.errors.invalidPassword',
  INVALID_CODE: 'auth.errors.invalidCode',
  INVALID_BACKUP_CODE: 'auth.errors.invalidBackupCode',
  TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE: 'auth.errors.tooManyCodes',
  ACCOUNT_TEMPORARILY_LOCKED: 'auth.errors.twoFactorLocked',
  INVALID_TWO_FACTOR_COOKIE: 'auth.errors.twoFactorExpired',
  TOTP_ALREADY_ENABLED: 'auth.errors.twoFactorAlreadyOn',
  INVALID_ORIGIN: 'auth.errors.invalidOrigin',
} as const satisfies Record<AuthErrorCode, string | null>;

export interface ErrorLike {
  status?: number;
  code: ApiErrorCode;
  message?: string;
  details?: Record<string, unknown>;
  retryAfterSeconds?: number | null;
}

function toErrorLike(error: unknown): ErrorLike {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      details: error.details,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (error && typeof error === 'object' && 'code' in error) return readErrorFields(error as Record<string, unknown>);
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}

/**
 * The sentence to show for an API error. `providerName` turns a provider id from the error's
 * details into its display name.
 */
export function errorMessage(t: TFunction, error: unknown, providerName: (id: string) => string = (id) => id): string {
  const { status, code, message = '', details = {}, retryAfterSeconds = null } = toErrorLike(error);
  const authKey = isAuthErrorCode(code) ? AUTH_SENTENCES[code] : null;
  if (code === 'TOO_MANY_ATTEMPTS' && retryAfterSeconds) {
    return t('auth.errors.tooManyAttemptsWait', { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) });
  }
  if (authKey) return t(authKey);
  if (code === 'quota_exceeded') {
    const operator = details.quota as { source?: unknown; resetsAt?: unknown } | undefined;
    // The operator's budget on the global keys, not the user's own: a personal key still works.
    if (operator?.source === 'operator' && typeof operator.resetsAt === 'string') {
      return t('errors.quota_exceeded_operator', { resetsAt: operator.resetsAt });
    }
    const quota = quotaOf(details.quota);
    if (quota) {
      const amount = (value: number) => budgetAmount(t, quota.unit, value);
      const sentence = t('errors.quota_exceeded_detail', {
        line: lineTitle(t, quota),
        remaining: amount(quota.remaining),
        limit: amount(quota.limit),
        requested: amount(quota.requested),
        resetsAt: quota.resetsAt,
      });
      const suggested = suggestionOf(error);
      return suggested ? `${sentence} ${t('errors.quota_exceeded_suggestion', { model: suggested.name })}` : sentence;
    }
  }
  if (status === 429 && !code.startsWith('provider_') && code !== 'quota_exceeded') {
    return retryAfterSeconds ? t('errors.rate_limited_wait', { seconds: retryAfterSeconds }) : t('errors.rate_limited');
  }

  if (code === 'subscription_required' && details.reason === 'past_due_grace_over') {
    return t('errors.subscription_required_past_due');
  }
  // Left out by the operator's offer or the user's group: no plan would change that.
  if (code === 'model_not_in_plan' && (details.restrictedBy === 'offer' || details.restrictedBy === 'group')) {
    return t(`errors.model_not_in_plan_${details.restrictedBy}`);
  }

  const providerId = typeof details.provider === 'string' ? details.provider : '';
  const provider = providerId ? providerName(providerId) : '';
  if (code === 'provider_rejected_key') {
    const source = details.source === 'personal' || details.source === 'global' ? details.source : null;
    return source
      ? t(`errors.provider_rejected_key_${source}`, { provider })
      : t('errors.provider_rejected_key', { provider, source: t('sourceNames.global') });
  }
  if (code === 'invalid_key_format') {
    const hint = providerId
      ? t(`keyHints.${providerId}`, { defaultValue: String(details.expected ?? '') })
      : String(details.expected ?? '');
    return t('errors.invalid_key_format', { provider, hint });
  }
  const kind: SentenceKind = isAuthErrorCode(code) ? 'generic' : CODE_SENTENCES[code];
  if (kind === 'provider') return t(`errors.${code}`, { provider: provider || t('app.name'), message });
  if (kind === 'message') return t(`errors.${code}`, { message });
  if (kind === 'plain' || kind === 'detailed') return t(`errors.${code}`);
  if (status === 401) return t('errors.unauthenticated');
  if (status !== undefined && status >= 500) return t('errors.internal_error');
  // A code this app does not know is kept, as received, in details.code (see readErrorFields).
  return t('errors.unknown', { code: typeof details.code === 'string' ? details.code : code });
}

/**
 * Where a refusal of the global keys says to subscribe (its `subscribeUrl`), when the error is one
 * and the address is a web page: anything but http(s) is not followed.
 */
export function subscribeLinkOf(error: unknown): string | null {
  const { code, details = {} } = toErrorLike(error);
  if (code !== 'subscription_required' && code !== 'model_not_in_plan') return null;
  // A model the operator does not offer, or the group leaves out, is not a subscription's matter.
  if (details.restrictedBy === 'offer' || details.restrictedBy === 'group') return null;
  const url = details.subscribeUrl;
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url, typeof window === 'undefined' ? 'http://localhost' : window.location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A refusal's suggestion: a model to switch to, as the picker takes it. */
export interface ModelSuggestion {
  provider: string;
  model: string;
  name: string;
}

/**
 * quota_exceeded's `suggestion` ({model: "<provider>/<model>", name}), split for the picker;
 * null when the error has none (or it is not well formed).
 */
export function suggestionOf(error: unknown): ModelSuggestion | null {
  const { code, details = {} } = toErrorLike(error);
  if (code !== 'quota_exceeded') return null;
  const suggestion = details.suggestion as { model?: unknown; name?: unknown } | null | undefined;
  if (!suggestion || typeof suggestion.model !== 'string' || typeof suggestion.name !== 'string') return null;
  const slash = suggestion.model.indexOf('/');
  if (slash <= 0 || slash === suggestion.model.length - 1) return null;
  return {
    provider: suggestion.model.slice(0, slash),
    model: suggestion.model.slice(slash + 1),
    name: suggestion.name,
  };
}

type QuotaDetails = Pick<BudgetLineView, 'source' | 'period' | 'unit' | 'limit' | 'remaining' | 'resetsAt'> & {
  requested: number;
};

/** quota_exceeded's `quota` field, when it has the shape the sentence needs. */
function quotaOf(value: unknown): QuotaDetails | null {
  if (!value || typeof value !== 'object') return null;
  const quota = value as Record<string, unknown>;
  const known =
    (quota.source === 'global' || quota.source === 'personal') &&
    (quota.period === 'day' || quota.period === 'month') &&
    (quota.unit === 'microusd' || quota.unit === 'tokens') &&
    typeof quota.limit === 'number' &&
    typeof quota.remaining === 'number' &&
    typeof quota.requested === 'number' &&
    typeof quota.resetsAt === 'string';
  return known ? (quota as unknown as QuotaDetails) : null;
}
