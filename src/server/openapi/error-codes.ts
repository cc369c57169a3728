// Every error code WeBox answers with, for the OpenAPI document's description. Each module throws
// its codes through AppError (errors.ts); error-codes.test.ts reads the sources so that a code
// thrown somewhere cannot be missing here.

export interface ErrorCode {
  code: string;
  status: number;
  meaning: string;
}

export const ERROR_CODES: readonly ErrorCode[] = [
  {
    code: 'invalid_request',
    status: 400,
    meaning:
      'A field is missing, malformed or out of bounds (`issues` or `param` say which), JSON nested over 100 levels, or a parameter the provider does not take.',
  },
  {
    code: 'invalid_key_format',
    status: 400,
    meaning: "The key does not look like the provider's (`expected` says how).",
  },
  { code: 'unknown_provider', status: 400, meaning: 'No provider has this id.' },
  { code: 'no_api_key', status: 400, meaning: 'Neither a personal nor a global key for the provider (`provider`).' },
  {
    code: 'unpriced_model',
    status: 400,
    meaning: 'A money budget applies and the model has no price (an admin adds one: `POST /api/admin/prices`).',
  },
  { code: 'cannot_change_self', status: 400, meaning: 'Admins cannot demote, disable or delete their own account.' },
  {
    code: 'billing_not_configured',
    status: 400,
    meaning:
      'Stripe is not configured (STRIPE_SECRET_KEY): a plan given a Stripe price (nothing is stored), a checkout or a portal.',
  },
  {
    code: 'invalid_signature',
    status: 400,
    meaning:
      "Stripe's webhook: a delivery that does not verify (missing or malformed `Stripe-Signature`, another secret, altered body, older than 300 s, or no STRIPE_WEBHOOK_SECRET); nothing is changed.",
  },
  {
    code: 'provider_bad_request',
    status: 400,
    meaning: 'The provider refused the request; its message follows, scrubbed.',
  },
  { code: 'unauthenticated', status: 401, meaning: 'Not signed in; on /v1, no access token.' },
  { code: 'invalid_token', status: 401, meaning: 'The access token is invalid, expired or revoked (/v1).' },
  {
    code: 'subscription_required',
    status: 402,
    meaning:
      'The global keys need a subscription or a plan, or the free allowance is spent (`reason`, `subscribeUrl`; personal keys still work).',
  },
  { code: 'forbidden', status: 403, meaning: 'Signed in, but not an admin.' },
  {
    code: 'two_factor_required',
    status: 403,
    meaning: 'An admin route while "require two-factor for admins" is on and this admin has not set it up.',
  },
  {
    code: 'model_not_in_plan',
    status: 403,
    meaning:
      "The model is not one the user may use on the global keys: not offered by the operator, or outside the user's plan or group (`reason`, `subscribeUrl`, `restrictedBy`: offer, plan or group).",
  },
  {
    code: 'invalid_origin',
    status: 403,
    meaning:
      'A state-changing /api request whose Origin (or Referer) is not WEBOX_PUBLIC_URL, or a cookie without either.',
  },
  {
    code: 'not_found',
    status: 404,
    meaning: "No such route, or nothing of yours by that id (another user's answers the same, never 403).",
  },
  { code: 'email_taken', status: 409, meaning: 'Another account has this email.' },
  { code: 'group_name_taken', status: 409, meaning: 'Another group has this name.' },
  { code: 'last_admin', status: 409, meaning: 'The change would leave WeBox without an active admin.' },
  {
    code: 'invitation_invalid',
    status: 404,
    meaning: 'The invitation link is unknown, expired, revoked or already used (one answer for all four).',
  },
  {
    code: 'invalid_class_list',
    status: 400,
    meaning: 'The class list has errors, listed per line in `errors: [{line, field, reason}]`; nothing was imported.',
  },
  { code: 'email_not_configured', status: 400, meaning: 'An e-mail was asked for while WEBOX_SMTP_URL is not set.' },
  {
    code: 'already_subscribed',
    status: 409,
    meaning:
      'A checkout for a user whose subscription is active, trialing or past due, in WeBox or already in Stripe (the portal changes it).',
  },
  {
    code: 'no_customer',
    status: 409,
    meaning: 'The billing portal for a user who never started a checkout, or whose customer was deleted in Stripe.',
  },
  { code: 'payload_too_large', status: 413, meaning: 'The body is over 2 MiB.' },
  { code: 'unsupported_media_type', status: 415, meaning: 'The body is not `application/json`.' },
  {
    code: 'rate_limited',
    status: 429,
    meaning: 'Requests or tokens per minute, or model calls at once, used up (`Retry-After` says when to retry).',
  },
  {
    code: 'quota_exceeded',
    status: 429,
    meaning: 'A budget is used up (`quota` says which; `Retry-After`: when it resets; `x-should-retry: false`).',
  },
  {
    code: 'provider_rate_limited',
    status: 429,
    meaning: 'The provider is rate limiting (its `Retry-After` is passed on).',
  },
  { code: 'internal_error', status: 500, meaning: 'Something failed on the server; nothing more is said.' },
  { code: 'vault_decrypt_failed', status: 500, meaning: 'The stored key cannot be read and must be saved again.' },
  {
    code: 'provider_error',
    status: 502,
    meaning: 'The provider (or Stripe: `provider` is `stripe`) failed or could not be reached.',
  },
  {
    code: 'provider_rejected_key',
    status: 502,
    meaning:
      'The provider refused the key (`source`: personal or global; a personal key is never retried with the global one).',
  },
  {
    code: 'limits_unavailable',
    status: 503,
    meaning: 'The rate-limit store (Redis) is unreachable: global keys pause, personal keys go on.',
  },
  { code: 'server_shutting_down', status: 503, meaning: 'The server is stopping: send the request again in a moment.' },
  { code: 'provider_timeout', status: 504, meaning: 'The provider did not answer in time.' },
];

/** Codes thrown inside the server that never reach a client (recorded in the usage ledger only). */
export const UNANSWERED_CODES = ['client_closed'];

/** The catalogue as a Markdown table. */
export function errorCodeTable() {
  const rows = ERROR_CODES.map(({ code, status, meaning }) => `| ${status} | \`${code}\` | ${meaning} |`);
  return ['| status | code | when |', '| --- | --- | --- |', ...rows].join('\n');
}
