// Who may call a route, as the OpenAPI document says it. The route scopes (auth/route-scopes.ts and
// /v1's token scope) stamp their requirement on every route they hold, from the same place that
// installs their guard, so the document cannot say a route is open when its scope guards it.
import type { FastifyInstance } from 'fastify';

/** better-auth's session cookie (cookiePrefix `webox`), `__Secure-` prefixed on https. */
export const SESSION_COOKIE = 'webox.session_token';

export const SESSION_SCHEME = 'session';
export const ACCESS_TOKEN_SCHEME = 'accessToken';

export type SecurityRequirement = ReadonlyArray<Readonly<Record<string, readonly string[]>>>;

/** Any signed-in user. */
export const SIGNED_IN: SecurityRequirement = [{ [SESSION_SCHEME]: [] }];
/** Admins only (OpenAPI 3.1 lets a requirement name roles for any kind of scheme). */
export const ADMIN: SecurityRequirement = [{ [SESSION_SCHEME]: ['admin'] }];
/** /v1: a personal access token. */
export const ACCESS_TOKEN: SecurityRequirement = [{ [ACCESS_TOKEN_SCHEME]: [] }];

export const securitySchemes = {
  [SESSION_SCHEME]: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: [
      `The session cookie that sign-up and sign-in set (\`__Secure-${SESSION_COOKIE}\` when WEBOX_PUBLIC_URL is https).`,
      'The role `admin` marks routes only admins may call (403 `forbidden` for other users).',
      "POST, PUT, PATCH and DELETE must also come from WeBox's own origin: an `Origin` (or `Referer`) of WEBOX_PUBLIC_URL, else 403 `invalid_origin`.",
    ].join(' '),
  },
  [ACCESS_TOKEN_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'wbx_…',
    description:
      'A personal access token (`POST /api/tokens`, or the profile page): `Authorization: Bearer wbx_…`. Only /v1 takes it.',
  },
} as const;

/** Stamps `requirement` on every route registered in `scope` from now on (an onRoute hook). */
export function documentSecurity(scope: FastifyInstance, requirement: SecurityRequirement) {
  scope.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: requirement };
  });
}
