// API error codes in the reader's words. The server's English message is a last resort: the user
// sees a sentence from the i18n files whenever the code is known.
import type { TFunction } from 'i18next';
import type { BudgetLineView } from '../../shared/limits.ts';
import { budgetAmount, lineTitle } from '../limits/budget-text.ts';
import { ApiError } from './client.ts';

/** better-auth's codes (its own error shape) → our auth.errors keys. */
const AUTH_CODES: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: 'auth.errors.invalidCredentials',
  USER_ALREADY_EXISTS: 'auth.errors.emailTaken',
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: 'auth.errors.emailTaken',
  SIGNUP_CLOSED: 'auth.errors.signupClosed',
  PASSWORD_TOO_SHORT: 'auth.errors.passwordTooShort',
  PASSWORD_TOO_LONG: 'auth.errors.passwordTooLong',
  INVALID_EMAIL: 'auth.errors.invalidEmail',
  INVALID_NAME: 'auth.errors.invalidName',
  BANNED_USER: 'auth.errors.disabled',
};

const PROVIDER_CODES = new Set([
  'no_api_key',
  'provider_rate_limited',
  'provider_timeout',
  'provider_error',
  'provider_bad_request',
  'invalid_key_format',
]);

/** Codes whose sentence needs nothing but the code. */
const PLAIN_CODES = new Set([
  'vault_decrypt_failed',
  'rate_limited',
  'quota_exceeded',
  'limits_unavailable',
  'unpriced_model',
  'unknown_provider',
  'unauthenticated',
  'forbidden',
  'not_found',
  'payload_too_large',
  'email_taken',
  'cannot_change_self',
  'network_error',
  'internal_error',
  'client_closed',
]);

export interface ErrorLike {
  status?: number;
  code: string;
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
  if (error && typeof error === 'object' && 'code' in error) {
    const record = error as Record<string, unknown>;
    const { code, message, ...details } = record;
    return { code: String(code), message: typeof message === 'string' ? message : undefined, details };
  }
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}

/**
 * The sentence to show for an API error. `providerName` turns a provider id from the error's
 * details into its display name.
 */
export function errorMessage(t: TFunction, error: unknown, providerName: (id: string) => string = (id) => id): string {
  const { status, code, message = '', details = {}, retryAfterSeconds = null } = toErrorLike(error);
  const authKey = AUTH_CODES[code];
  if (authKey) return t(authKey);
  if (code === 'TOO_MANY_ATTEMPTS') {
    return retryAfterSeconds
      ? t('auth.errors.tooManyAttemptsWait', { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) })
      : t('auth.errors.tooManyAttempts');
  }
  if (code === 'quota_exceeded') {
    const quota = quotaOf(details.quota);
    if (quota) {
      const amount = (value: number) => budgetAmount(t, quota.unit, value);
      return t('errors.quota_exceeded_detail', {
        line: lineTitle(t, quota),
        remaining: amount(quota.remaining),
        limit: amount(quota.limit),
        requested: amount(quota.requested),
        resetsAt: quota.resetsAt,
      });
    }
  }
  if (status === 429 && !code.startsWith('provider_') && code !== 'quota_exceeded') {
    return retryAfterSeconds ? t('errors.rate_limited_wait', { seconds: retryAfterSeconds }) : t('errors.rate_limited');
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
  if (PROVIDER_CODES.has(code)) return t(`errors.${code}`, { provider: provider || t('app.name'), message });
  if (code === 'invalid_request') return t('errors.invalid_request', { message });
  if (PLAIN_CODES.has(code)) return t(`errors.${code}`);
  if (status === 401) return t('errors.unauthenticated');
  if (status !== undefined && status >= 500) return t('errors.internal_error');
  return t('errors.unknown', { code });
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
