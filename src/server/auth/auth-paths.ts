// Which of better-auth's routes WeBox exposes under /api/auth, and the one spelling of each.
//
// better-auth's router (better-call on rou3) matches the path of `new URL(request.url)`: the URL
// parser resolves dot segments (`.`, `..`, `%2e`, `%2E%2e`), turns backslashes into slashes and
// drops tabs and newlines, so `/api/auth/./sign-in/email` runs sign-in. Whatever WeBox decides by
// path (the sign-in throttle, the first-account lock, better-auth's own rate-limit rules, the
// allow-list) must see the route better-auth will run: a path that is not already in that
// canonical form is refused, never rewritten.

export const AUTH_BASE_PATH = '/api/auth';

/**
 * The better-auth endpoints the product uses (the web app signs up, in and out, and resets a
 * forgotten password; better-auth's client reads the session). Everything else better-auth serves — its admin plugin above all
 * (impersonation, passwords, roles, bans, removal), which WeBox's own /api/admin routes wrap with
 * WeBox's rules — answers 404.
 */
export const ALLOWED_AUTH_ENDPOINTS: ReadonlyArray<{ method: 'GET' | 'POST'; path: string }> = [
  { method: 'POST', path: '/sign-up/email' },
  { method: 'POST', path: '/sign-in/email' },
  { method: 'POST', path: '/sign-out' },
  { method: 'GET', path: '/get-session' },
  // "Mot de passe oublié": the link is e-mailed (the answer never says whether the address has an
  // account); the reset page sends the token and the new password.
  { method: 'POST', path: '/request-password-reset' },
  { method: 'POST', path: '/reset-password' },
  // Single sign-on (served by its own instance, sso-instance.ts; 404 while it is not configured).
  { method: 'POST', path: '/sign-in/social' },
  { method: 'GET', path: '/callback/oidc' },
  // Two-factor: set-up, its confirmation (also the sign-in's second step), recovery codes, removal.
  { method: 'POST', path: '/two-factor/enable' },
  { method: 'POST', path: '/two-factor/verify-totp' },
  { method: 'POST', path: '/two-factor/verify-backup-code' },
  { method: 'POST', path: '/two-factor/disable' },
];

const SSO_PATHS = new Set([`${AUTH_BASE_PATH}/sign-in/social`, `${AUTH_BASE_PATH}/callback/oidc`]);

/** Whether the (canonical) path is one of single sign-on's, served by its own instance. */
export const isSsoPath = (path: string) => SSO_PATHS.has(path);

const allowed = new Set(ALLOWED_AUTH_ENDPOINTS.map(({ method, path }) => `${method} ${AUTH_BASE_PATH}${path}`));

const PARSE_BASE = 'http://webox.invalid';

/**
 * The request's path if it is already the one better-auth's router would match, else null. Dot
 * segments, backslashes, tabs, a fragment, an absolute or scheme-relative target all parse to
 * another path (or host) and are refused; so are percent-escapes, doubled slashes and a trailing
 * slash, which better-auth's router never matches to an endpoint.
 */
export function canonicalPath(rawUrl: string): string | null {
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  if (!rawPath.startsWith('/') || rawPath.includes('//') || rawPath.includes('%')) return null;
  if (rawPath.length > 1 && rawPath.endsWith('/')) return null;
  let parsed: URL;
  try {
    parsed = new URL(rawUrl, PARSE_BASE);
  } catch {
    return null;
  }
  if (parsed.origin !== PARSE_BASE || parsed.pathname !== rawPath) return null;
  return rawPath;
}

/** The canonical path of an allowed better-auth endpoint, or null (the caller answers 404). */
export function allowedAuthPath(method: string, rawUrl: string): string | null {
  const path = canonicalPath(rawUrl);
  return path !== null && allowed.has(`${method} ${path}`) ? path : null;
}
