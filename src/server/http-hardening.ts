// What every request meets before its route, whichever route it is: the headers every answer
// carries, and the Origin check of WeBox's own state-changing routes.
import type { FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import { AppError } from './errors.ts';

/**
 * Headers on every answer: JSON, event streams, the web app, errors and 404s alike. The web app's
 * pages add their content security policy themselves (web-plugin.ts).
 *
 * These are set from one callback hook rather than @fastify/helmet: the plugin runs an async hook
 * and rebuilds helmet's middleware on every request, which measured here at about a quarter of the
 * throughput of a bare route; the gateway's hot path cannot carry that for two constant headers.
 */
export function securityHeaders(config: Pick<Config, 'publicUrl'>): Readonly<Record<string, string>> {
  return Object.freeze({
    // A JSON answer (a model's text, a conversation title) is never sniffed into HTML or script.
    'x-content-type-options': 'nosniff',
    // Only over https: a browser that saw it would refuse plain http to this host for a year, and
    // on an http deployment that would lock everyone out.
    ...(config.publicUrl.startsWith('https://')
      ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }
      : {}),
  });
}

const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Routes that check their callers themselves: better-auth checks Origin on its own routes (with
 * the same rule), and Stripe's webhook sends no Origin but signs its body.
 */
const ROUTES_CHECKED_ELSEWHERE = new Set(['/api/auth/*', '/api/billing/webhook']);

/** The origin of a URL-shaped header value, or the value itself when it does not parse ("null"). */
function originOf(value: string) {
  try {
    return new URL(value).origin;
  } catch {
    return value;
  }
}

/**
 * Cross-site request forgery: a browser attaches the session cookie to a request that another
 * site makes it send, and tells us which site that is in Origin (every current browser sends it on
 * POST, PUT, PATCH and DELETE; Referer is the fallback of older ones). A state-changing /api route
 * answers only requests from WEBOX_PUBLIC_URL's origin. A request with neither header and no cookie
 * is a script (an access token, curl): nothing a browser can be made to send, so it goes on, and
 * the route's guard decides. A cookie with neither header is refused, as better-auth does:
 * browsers do not send that.
 *
 * The rule follows the route Fastify chose, not the spelling of the path, so `/api/auth/../keys`
 * cannot claim better-auth's exemption for another route.
 */
export function createOriginCheck(config: Pick<Config, 'publicUrl'>) {
  const expected = originOf(config.publicUrl);
  const refusal = () =>
    new AppError(
      403,
      'invalid_origin',
      `Changes are accepted only from WeBox's own pages, at ${expected} (WEBOX_PUBLIC_URL). If that is not the address you use, the operator must set WEBOX_PUBLIC_URL to it.`,
    );
  return (request: FastifyRequest): AppError | null => {
    if (!STATE_CHANGING_METHODS.has(request.method)) return null;
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/') || ROUTES_CHECKED_ELSEWHERE.has(route)) return null;
    const { origin, referer, cookie } = request.headers;
    const claimed = origin ?? (referer === undefined ? undefined : originOf(referer));
    if (claimed === undefined) return cookie === undefined ? null : refusal();
    return originOf(claimed) === expected ? null : refusal();
  };
}
