// The auth module's error catalogue. Under /api/auth/* errors keep better-auth's own shape,
// `{"code", "message"}` with UPPER_SNAKE codes, which its client and our pages read: APIErrors for
// the refusals raised inside better-auth's hooks, and plain answers for those of our proxy route.
import { APIError } from 'better-auth/api';
import type { AuthErrorCode } from '../../shared/error-codes.ts';

const badRequest = (code: AuthErrorCode, message: string) => new APIError('BAD_REQUEST', { code, message });

/** An answer our /api/auth/* route sends itself, in better-auth's shape. */
export interface AuthRefusal {
  status: number;
  body: { code: AuthErrorCode; message: string };
  headers: Record<string, string>;
}

export const authErrors = {
  signupClosed: () =>
    new APIError('FORBIDDEN', {
      code: 'SIGNUP_CLOSED' satisfies AuthErrorCode,
      message: 'Sign-up is closed on this WeBox: ask an administrator to create your account.',
    }),
  invalidName: (max: number) =>
    badRequest('INVALID_NAME', `The name must be 1 to ${max} characters on one line, without control characters.`),
  invalidEmail: () => badRequest('INVALID_EMAIL', 'The email address is not valid.'),
  invalidImage: (max: number) =>
    badRequest('INVALID_IMAGE', `The image must be an https URL of at most ${max} characters, or null.`),
  invalidBanReason: (max: number) =>
    badRequest('INVALID_BAN_REASON', `The reason must be one line of at most ${max} characters.`),
  invalidInput: () => badRequest('INVALID_INPUT', 'The request holds a NUL character.'),
  ssoEmailUnverified: () =>
    new APIError('FORBIDDEN', {
      code: 'SSO_EMAIL_UNVERIFIED' satisfies AuthErrorCode,
      message: 'The identity provider does not say this e-mail address is verified.',
    }),
  ssoFirstAccount: () =>
    new APIError('FORBIDDEN', {
      code: 'SSO_FIRST_ACCOUNT' satisfies AuthErrorCode,
      message: 'The first account signs up with a password.',
    }),
  /** Password sign-in or sign-up while single sign-on only is on (the first admin's sign-in excepted). */
  ssoOnly: (): AuthRefusal => ({
    status: 403,
    headers: {},
    body: { code: 'SSO_ONLY', message: 'This WeBox signs in with single sign-on only.' },
  }),
  /** An endpoint WeBox does not expose, or a path spelled otherwise than better-auth's router reads it. */
  notFound: (): AuthRefusal => ({ status: 404, headers: {}, body: { code: 'NOT_FOUND', message: 'Not found.' } }),
  tooManyAttempts: (waitSeconds: number): AuthRefusal => ({
    status: 429,
    headers: { 'retry-after': String(waitSeconds) },
    body: {
      code: 'TOO_MANY_ATTEMPTS',
      message: `Too many failed sign-in attempts. Try again in ${Math.ceil(waitSeconds / 60)} min.`,
    },
  }),
};
