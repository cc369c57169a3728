// better-auth's endpoints that WeBox serves (auth/auth-paths.ts), described by hand: they answer
// through one catch-all route that hands the request to better-auth, so no route schema says what
// they take or answer. Their errors are better-auth's `{code, message}`, which its client reads.
import { z } from 'zod';
import { authErrorBody } from '../../shared/api-errors.ts';
import { ALLOWED_AUTH_ENDPOINTS, AUTH_BASE_PATH } from '../auth/auth-paths.ts';
import { USER_EMAIL_MAX, USER_NAME_MAX } from '../auth/user-fields.ts';
import { componentRef } from './components.ts';
import { SESSION_COOKIE } from './security.ts';

const authUser = z.looseObject({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  image: z.string().nullable(),
  role: z.enum(['admin', 'user']),
  banned: z.boolean().nullable().describe('Set while an admin has disabled the account.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const session = z.looseObject({
  id: z.string(),
  userId: z.string(),
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const password = z.string().min(8).max(256);

interface Endpoint {
  summary: string;
  description: string;
  body?: z.ZodType;
  answer: z.ZodType;
  answerDescription: string;
  /** The statuses of better-auth's own refusals, and when. */
  refusals: Record<number, string>;
}

const setsCookie = {
  'set-cookie': {
    description: `The session cookie, \`${SESSION_COOKIE}\` (HttpOnly, SameSite=Lax; \`__Secure-\` in front on https).`,
    schema: { type: 'string' },
  },
};

const ENDPOINTS: Record<string, Endpoint> = {
  'POST /sign-up/email': {
    summary: 'Create an account and sign it in',
    description:
      'The first account created becomes admin. With WEBOX_SIGNUP=closed only that first one may sign up; admins create the others (POST /api/admin/users).',
    body: z.object({
      name: z.string().min(1).max(USER_NAME_MAX).describe('One line, no control characters.'),
      email: z.email().max(USER_EMAIL_MAX),
      password,
    }),
    answer: z.object({ token: z.string().nullable(), user: authUser }),
    answerDescription: 'Signed up and signed in (the session cookie is set).',
    refusals: {
      400: 'A field is refused (PASSWORD_TOO_SHORT, INVALID_NAME, INVALID_EMAIL, …).',
      403: 'SIGNUP_CLOSED: only admins create accounts (WEBOX_SIGNUP=closed); SSO_ONLY: single sign-on only.',
      422: 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL.',
      429: 'Too many attempts from this address (10 a minute unless an admin set another: PUT /api/admin/account-settings).',
    },
  },
  'POST /sign-in/email': {
    summary: 'Sign in',
    description:
      'Failures are throttled per account (10 in 15 minutes lock it until the window ends) and per client address (50 an hour). For an account with two-factor the answer is `{twoFactorRedirect: true, twoFactorMethods: ["totp"]}` and no session: the code goes to POST /two-factor/verify-totp (or a recovery code to /two-factor/verify-backup-code). While single sign-on only is on, 403 `SSO_ONLY` for every account but the first admin.',
    body: z.object({
      email: z.string().max(USER_EMAIL_MAX),
      password: z.string().max(256),
      rememberMe: z.boolean().optional().describe('false: the cookie lasts the browser session (default true).'),
    }),
    answer: z.union([
      z.object({ redirect: z.boolean(), token: z.string(), url: z.string().optional(), user: authUser }),
      z.object({ twoFactorRedirect: z.literal(true), twoFactorMethods: z.array(z.string()) }),
    ]),
    answerDescription: 'Signed in (the session cookie is set), or the second factor is asked.',
    refusals: {
      401: 'INVALID_EMAIL_OR_PASSWORD.',
      403: 'The account is disabled, or SSO_ONLY.',
      429: 'TOO_MANY_ATTEMPTS, with Retry-After (seconds).',
    },
  },
  'POST /sign-out': {
    summary: 'Sign out',
    description: 'Ends the session of the cookie sent, and clears the cookie.',
    answer: z.object({ success: z.boolean() }),
    answerDescription: 'Signed out (also when no session was open).',
    refusals: {},
  },
  'POST /sign-in/social': {
    summary: 'Start a single sign-on',
    description:
      "Only while single sign-on is configured (GET /api/sso `enabled`; 404 `NOT_FOUND` otherwise). Answers the identity provider's authorization URL (OIDC code flow with PKCE and a nonce) and sets the state cookie; the browser goes there, and comes back to GET /api/auth/callback/oidc.",
    body: z.object({
      provider: z.literal('oidc'),
      callbackURL: z.string().max(2000).describe('Where to go once signed in: a path of this WeBox (`/`).'),
      errorCallbackURL: z
        .string()
        .max(2000)
        .optional()
        .describe('Where a failure comes back, with `?error=<code>` (default `/sign-in`).'),
      newUserCallbackURL: z.string().max(2000).optional(),
    }),
    answer: z.object({ url: z.string(), redirect: z.boolean() }),
    answerDescription: "The identity provider's authorization URL.",
    refusals: { 403: 'The request came from another origin.', 429: 'Too many attempts from this address.' },
  },
  'GET /callback/oidc': {
    summary: 'Single sign-on callback',
    description:
      "The identity provider sends the browser here (register this URL with it: GET /api/admin/sso `callbackUrl`). WeBox checks the state, exchanges the code, verifies the ID token against the issuer's keys, then signs in the account with this identity, or the account with the same e-mail if the provider says it is verified (`email_verified`), or makes a new account (unless WEBOX_SIGNUP=closed or no account exists yet). Redirects (302) to `callbackURL`, or to `/sign-in?error=<code>` (`SSO_EMAIL_UNVERIFIED`, `SIGNUP_CLOSED`, `SSO_FIRST_ACCOUNT`, `account_not_linked`, `email_not_verified`, `state_mismatch`, …).",
    answer: z.null(),
    answerDescription: 'Not sent: the answer is a 302 redirect.',
    refusals: {},
  },
  'POST /two-factor/enable': {
    summary: 'Set up two-factor (TOTP)',
    description:
      'Signed in. With a password on the account, `password` is required (400 `INVALID_PASSWORD`). Answers the `otpauth://` URI to show as a QR code and ten recovery codes, shown this once (stored encrypted). Two-factor is on only once a code is confirmed (POST /two-factor/verify-totp).',
    body: z.object({ password: z.string().max(256).optional() }),
    answer: z.object({ totpURI: z.string(), backupCodes: z.array(z.string()) }),
    answerDescription: 'The secret, as an otpauth URI, and the recovery codes.',
    refusals: { 400: 'INVALID_PASSWORD, TOTP_ALREADY_ENABLED.', 401: 'Not signed in.', 429: 'Too many attempts.' },
  },
  'POST /two-factor/verify-totp': {
    summary: 'Give a two-factor code',
    description:
      "Confirms the set-up (signed in), or is the sign-in's second step: POST /sign-in/email answers `{twoFactorRedirect: true}` for an account with two-factor, and sets a 10-minute cookie; this code then opens the session. Five wrong codes end the step (`TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE`), ten in a row lock the second factor for 15 minutes (`ACCOUNT_TEMPORARILY_LOCKED`), and an address may try 10 codes a minute.",
    body: z.object({
      code: z.string().max(16),
      trustDevice: z.boolean().optional().describe('Skip the code on this browser for 30 days.'),
    }),
    answer: z.object({ token: z.string(), user: authUser }),
    answerDescription: 'The code is right (the session cookie is set at sign-in).',
    refusals: {
      400: 'TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE, TOTP_NOT_ENABLED.',
      401: 'INVALID_CODE, INVALID_TWO_FACTOR_COOKIE.',
      429: 'ACCOUNT_TEMPORARILY_LOCKED, or too many attempts from this address.',
    },
  },
  'POST /two-factor/verify-backup-code': {
    summary: 'Give a recovery code',
    description: "The sign-in's second step with one of the recovery codes instead of a TOTP code; each works once.",
    body: z.object({ code: z.string().max(64), trustDevice: z.boolean().optional() }),
    answer: z.object({ token: z.string(), user: authUser }),
    answerDescription: 'The code is right (the session cookie is set).',
    refusals: { 401: 'INVALID_BACKUP_CODE, INVALID_TWO_FACTOR_COOKIE.', 429: 'Too many attempts.' },
  },
  'POST /two-factor/disable': {
    summary: 'Turn two-factor off',
    description:
      'Signed in, with the password when the account has one. The TOTP secret and recovery codes are deleted.',
    body: z.object({ password: z.string().max(256).optional() }),
    answer: z.object({ status: z.boolean() }),
    answerDescription: 'Two-factor is off.',
    refusals: { 400: 'INVALID_PASSWORD.', 401: 'Not signed in.', 429: 'Too many attempts.' },
  },
  'GET /get-session': {
    summary: 'The current session',
    description: "better-auth's client reads it; WeBox's own pages use GET /api/me.",
    answer: z.object({ session, user: authUser }).nullable(),
    answerDescription: 'The session and its account, or `null` when not signed in.',
    refusals: {},
  },
  'POST /request-password-reset': {
    summary: 'Forgotten password: e-mail a reset link',
    description:
      'The same answer whether or not the address has an account. Throttled per client address (5 a minute) and per account (3 e-mails an hour). Without WEBOX_SMTP_URL no e-mail is sent: an admin makes the link (POST /api/admin/users/:id/password-reset).',
    body: z.object({ email: z.email().max(USER_EMAIL_MAX) }),
    answer: z.object({ status: z.boolean(), message: z.string() }),
    answerDescription: 'Received (whether a message left is not said).',
    refusals: { 429: 'Too many requests from this address.' },
  },
  'POST /reset-password': {
    summary: 'Set a new password with a reset link',
    description: 'The token of the link (the part after `#`); used once. Signs the account out everywhere.',
    body: z.object({ token: z.string().max(200), newPassword: password }),
    answer: z.object({ status: z.boolean() }),
    answerDescription: 'The password is changed; sign in with it.',
    refusals: {
      400: 'INVALID_TOKEN (unknown, used or expired), PASSWORD_TOO_SHORT, PASSWORD_TOO_LONG.',
      429: 'Too many attempts from this address.',
    },
  },
};

/** A zod schema as the document's JSON Schema (OpenAPI 3.1 is JSON Schema 2020-12). */
function jsonSchema(schema: z.ZodType) {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12' });
  return rest;
}

const authError = componentRef(authErrorBody);

/** The OpenAPI path items of the endpoints WeBox serves under /api/auth. */
export function authPaths() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path } of ALLOWED_AUTH_ENDPOINTS) {
    const endpoint = ENDPOINTS[`${method} ${path}`];
    if (!endpoint) throw new Error(`${method} ${AUTH_BASE_PATH}${path} is served but not described`);
    const signsIn = path.startsWith('/sign-up') || path.startsWith('/sign-in');
    const refusals = Object.entries(endpoint.refusals).map(([status, description]) => [
      status,
      { description, content: { 'application/json': { schema: authError } } },
    ]);
    paths[`${AUTH_BASE_PATH}${path}`] = {
      [method.toLowerCase()]: {
        tags: ['Accounts'],
        summary: endpoint.summary,
        description: `${endpoint.description}\n\nServed by better-auth: errors are \`{code, message}\` (SCREAMING_CASE codes), not WeBox's shape.`,
        ...(endpoint.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(endpoint.body) } } } }
          : {}),
        responses: {
          200: {
            description: endpoint.answerDescription,
            ...(signsIn ? { headers: setsCookie } : {}),
            content: { 'application/json': { schema: jsonSchema(endpoint.answer) } },
          },
          ...Object.fromEntries(refusals),
          404: {
            description: 'Any other better-auth endpoint, or this one spelled another way (`NOT_FOUND`).',
            content: { 'application/json': { schema: authError } },
          },
        },
      },
    };
  }
  return paths;
}
