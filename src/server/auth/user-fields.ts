// What better-auth may write to a user row, checked in its database hooks: every path that creates
// or renames an account (sign-up, update-user, the admin's create) goes through them. better-auth
// itself only asks for strings (update-user not even that), of any length, with any character.
// Refusals are better-auth's own 400 (APIError), which its client and our pages read.
import { createAuthMiddleware } from 'better-auth/api';
import { isSingleLine } from '../../shared/text.ts';
import { authErrors } from './auth-errors.ts';

export const USER_NAME_MAX = 200;
export const USER_EMAIL_MAX = 320;
export const USER_IMAGE_MAX = 2048;
const BAN_REASON_MAX = 500;

function isHttpsUrl(value: string) {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Throws better-auth's 400 unless every field given is one WeBox can store and show. */
export function validateUserFields(fields: Record<string, unknown>) {
  const { name, email, image, banReason } = fields;
  if (
    name !== undefined &&
    (typeof name !== 'string' || name.trim().length === 0 || name.length > USER_NAME_MAX || !isSingleLine(name))
  ) {
    throw authErrors.invalidName(USER_NAME_MAX);
  }
  if (email !== undefined && (typeof email !== 'string' || email.length > USER_EMAIL_MAX || !isSingleLine(email))) {
    throw authErrors.invalidEmail();
  }
  // The web app shows no avatar; an identity provider's picture (single sign-on) is kept if it is https.
  if (
    image !== undefined &&
    image !== null &&
    (typeof image !== 'string' || image.length > USER_IMAGE_MAX || !isSingleLine(image) || !isHttpsUrl(image))
  ) {
    throw authErrors.invalidImage(USER_IMAGE_MAX);
  }
  if (
    banReason !== undefined &&
    banReason !== null &&
    (typeof banReason !== 'string' || banReason.length > BAN_REASON_MAX || !isSingleLine(banReason))
  ) {
    throw authErrors.invalidBanReason(BAN_REASON_MAX);
  }
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, entry]) => key.includes('\u0000') || holdsNul(entry));
  }
  return false;
}

/** The endpoints whose body holds user fields, checked before their work starts (sign-up hashes the password). */
const USER_FIELD_PATHS = new Set(['/sign-up/email', '/update-user']);

/**
 * Before any better-auth endpoint runs: PostgreSQL cannot hold a NUL in text, not even to compare
 * it, so a token, an email or a password holding one would fail its query (a 500) or, worse, be
 * stored. Bodies are small and their depth is bounded by the JSON parser (json-body.ts). The user
 * hooks stay the one guarantee for user fields; this only refuses a bad sign-up before it costs a
 * password hash.
 */
export const checkAuthInput = createAuthMiddleware(async (context) => {
  if (holdsNul(context.body) || holdsNul(context.query) || holdsNul(context.params)) {
    throw authErrors.invalidInput();
  }
  if (USER_FIELD_PATHS.has(context.path) && context.body !== null && typeof context.body === 'object') {
    validateUserFields(context.body as Record<string, unknown>);
  }
});
