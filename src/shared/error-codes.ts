// Every error code WeBox answers with, one closed list shared by the server (AppError takes only
// these) and the web app (which has a sentence, or a stated fallback, for each). A code is part of
// the HTTP contract: add one here, in the module's catalogue, in docs/errors.md and in the web's
// table (src/web/api/error-messages.ts); the tests fail until all four agree.

/** WeBox's codes, in `{"error": {"code", "message"}}` (and as `code` in /v1's OpenAI shape). */
export const ERROR_CODES = [
  // The request and the route
  'invalid_request', // the request is malformed or a parameter is out of range; the message (and `param`, `issues`) says which
  'unauthenticated', // no session cookie, or on /v1 no access token
  'invalid_token', // the /v1 access token is invalid, expired or revoked
  'forbidden', // signed in, but the action is an administrator's
  'invalid_origin', // a change sent from a page outside WEBOX_PUBLIC_URL's origin (cross-site protection)
  'not_found', // no such route, or no such resource for this caller (another user's answers this too)
  'payload_too_large', // the request body is over the size limit
  'unsupported_media_type', // the body is not sent as application/json
  'internal_error', // an unexpected failure: the details are in the server's log only
  'server_shutting_down', // the server is stopping (a restart): send the request again
  'client_closed', // the client went away before the answer ended (recorded in usage; no one is left to read it)
  // Accounts
  'email_taken', // an account with this email already exists
  'cannot_change_self', // an administrator tried to demote, disable or delete their own account
  'last_admin', // the change would leave no active administrator
  // Groups
  'group_name_taken', // another group already has this name
  'invitation_invalid', // the invitation link is unknown, expired, revoked or already used
  'invalid_class_list', // the class list (CSV) has errors: `errors` lists them per line, nothing was imported
  'email_not_configured', // an e-mail was asked for while WEBOX_SMTP_URL is not set
  'two_factor_required', // an admin route while "require two-factor for admins" is on and this admin has none set up
  // Providers and keys
  'unknown_provider', // the provider id is not one WeBox knows
  'invalid_key_format', // the API key does not have the provider's form (the message names the expected one)
  'no_api_key', // neither a personal nor a global key exists for the provider
  'vault_decrypt_failed', // the stored key cannot be decrypted and must be saved again
  'provider_rejected_key', // the provider refused the key (personal or global, as `source` says)
  'provider_rate_limited', // the provider is rate limiting the key
  'provider_bad_request', // the provider refused the request; its own words are in the message
  'provider_timeout', // the provider did not answer within WEBOX_UPSTREAM_TIMEOUT_MS
  'provider_error', // the provider failed, could not be reached, or cut its answer short
  // Limits
  'rate_limited', // too many requests or tokens per minute, or too many calls running at once
  'quota_exceeded', // a daily or monthly budget is used up (`quota` says which)
  'limits_unavailable', // the rate-limit store is unreachable, so the global keys are paused
  'unpriced_model', // the model has no price, so it cannot be charged against a money budget
  // Billing (DESIGN §6 "Billing"; Stripe's own failures answer provider_error, `provider: stripe`)
  'subscription_required', // the global keys need a subscription (or the free allowance is spent)
  'model_not_in_plan', // the model is not one the user may use on the global keys (offer, plan or group)
  'already_subscribed', // checkout for a user who already has a subscription
  'no_customer', // the billing portal before any subscription
  'billing_not_configured', // a billing action while Stripe is not configured
  'invalid_signature', // a Stripe webhook delivery that does not verify
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const known: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && known.has(value);
}

/**
 * better-auth's error shape (`{"code", "message"}`, UPPER_SNAKE codes) on /api/auth/*, which its
 * client relies on: the codes WeBox raises there itself, and those of better-auth's own that the
 * web app gives a sentence of its own. better-auth may answer others; the web reads them by status.
 */
export const AUTH_ERROR_CODES = [
  // Raised by WeBox
  'SIGNUP_CLOSED', // WEBOX_SIGNUP=closed: only administrators create accounts
  'TOO_MANY_ATTEMPTS', // too many failed sign-ins for this email or address (Retry-After says how long)
  'NOT_FOUND', // an /api/auth endpoint WeBox does not expose
  'INVALID_NAME', // the name is empty, too long, or holds control characters
  'INVALID_EMAIL', // the email address is not valid (better-auth's own check uses it too)
  'INVALID_IMAGE', // the image is not an https URL of bounded length
  'INVALID_BAN_REASON', // the ban reason is not one bounded line
  'INVALID_INPUT', // the request holds a NUL character
  'SSO_ONLY', // single sign-on only: password sign-in and sign-up are refused (the first admin's password still works)
  'SSO_EMAIL_UNVERIFIED', // the identity provider does not say the e-mail is verified: no account is made or linked
  'SSO_FIRST_ACCOUNT', // no account exists yet: the first one signs up with a password
  // Raised by better-auth
  'INVALID_EMAIL_OR_PASSWORD', // wrong email or password
  'USER_ALREADY_EXISTS', // sign-up with an email that has an account
  'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', // the same, in better-auth's newer wording
  'PASSWORD_TOO_SHORT', // the password is shorter than better-auth's minimum
  'PASSWORD_TOO_LONG', // the password is longer than better-auth's maximum
  'BANNED_USER', // the account is disabled by an administrator
  'INVALID_TOKEN', // a password-reset link that is unknown, used or expired
  'INVALID_PASSWORD', // two-factor set-up or removal with a wrong password
  'INVALID_CODE', // a wrong or expired two-factor code
  'INVALID_BACKUP_CODE', // a wrong or already used recovery code
  'TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE', // five wrong codes for this sign-in: sign in again
  'ACCOUNT_TEMPORARILY_LOCKED', // ten wrong codes in a row: the second factor is locked for 15 minutes
  'INVALID_TWO_FACTOR_COOKIE', // the second-factor step expired (10 minutes) or was already used: sign in again
  'TOTP_ALREADY_ENABLED', // two-factor set-up while it is already on
  'INVALID_ORIGIN', // the page is not open at WEBOX_PUBLIC_URL's origin (127.0.0.1 for localhost, say)
] as const;

export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

const knownAuth: ReadonlySet<string> = new Set(AUTH_ERROR_CODES);

export function isAuthErrorCode(value: unknown): value is AuthErrorCode {
  return typeof value === 'string' && knownAuth.has(value);
}
