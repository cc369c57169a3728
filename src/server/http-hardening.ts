// What every request meets before its route, whichever route it is: the server's timeouts and
// connection cap, the headers every answer carries, and the Origin check of WeBox's own
// state-changing routes.
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import type { AppError } from './errors.ts';
import { httpErrors } from './http-errors.ts';

/**
 * An idle kept-alive connection is closed after this: longer than the idle timeout of the usual
 * load balancers (60 s), so that they, not we, close it and never send on a closing connection.
 */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** Fastify's options for them. */
interface ServerTimeouts {
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionTimeout: number;
  http: ServerOptions;
}

/**
 * The server's timeouts. Node counts headersTimeout and requestTimeout while it receives the
 * request only: once the request is in, neither runs, so an answer may stream for as long as the
 * model writes. A client that sends nothing, drips its headers or its body is closed (408) when
 * they run out, which is what keeps a slowloris from holding connections.
 */
export function serverTimeouts(
  config: Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'upstreamTimeoutMs'>,
): ServerTimeouts {
  return {
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // A backstop for a socket on which nothing at all happens: longer than the longest silence of
    // a healthy request (two upstream attempts waiting for their first byte, and the retry's wait).
    connectionTimeout: 2 * config.upstreamTimeoutMs + 30_000,
    http: {
      headersTimeout: config.headersTimeoutMs,
      // Node checks the two timeouts every 30 s by default: a slowloris would get that much more.
      connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
    },
  };
}

/**
 * Open client connections at most. Past it a new connection is closed at once, and WeBox keeps
 * the file descriptors its open requests need (their upstream and database connections): without
 * a cap, a flood of connections takes them all and every request fails. The default leaves half
 * of the process's open-files limit to the rest (every proxied stream holds an upstream socket
 * too); 4096 where the limit cannot be read.
 */
export function maxConnections(config: Pick<Config, 'maxConnections'>) {
  if (config.maxConnections !== undefined) return config.maxConnections;
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1]);
    if (Number.isInteger(soft) && soft > 0) return Math.max(64, Math.floor(soft / 2) - 64);
  } catch {
    // Not Linux.
  }
  return 4096;
}

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

/**
 * Headers of WeBox's HTML pages (the web app, the API's documentation page), beside the ones every
 * answer carries: a page loads only its own scripts and styles, and nothing may frame it.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': [
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
});

const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Routes that check their callers themselves: better-auth checks Origin on its own routes (with
 * the same rule), and Stripe's webhook sends no Origin but signs its body.
 */
export const ROUTES_CHECKED_ELSEWHERE: ReadonlySet<string> = new Set(['/api/auth/*', '/api/billing/webhook']);

/** The origin of a URL-shaped header value, or the value itself when it does not parse ("null"). */
function originOf(value: string) {
  try {
    return new URL(value).origin;
  } catch {
    return value;
  }
}

/** Distinct wrong origins told to the operator, at most: a hostile page cannot fill the log. */
const MISMATCHES_TOLD = 5;

/**
 * Tells the operator, once per origin (a few at most), that a browser sends changes from another
 * address than WEBOX_PUBLIC_URL: the usual cause is WeBox opened at 127.0.0.1 while the public URL
 * says localhost (or behind a proxy under another name), and every sign-in then fails. Only the
 * origin is logged, parsed and cut short: it is the client's input.
 */
function mismatchWarning(expected: string, onMismatch: (origin: string, expected: string) => void) {
  const told = new Set<string>();
  return (origin: string) => {
    if (told.size >= MISMATCHES_TOLD) return;
    const claimed = originOf(origin).slice(0, 200);
    if (claimed === expected || claimed === 'null' || told.has(claimed)) return;
    told.add(claimed);
    onMismatch(claimed, expected);
  };
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
export function createOriginCheck(
  config: Pick<Config, 'publicUrl'>,
  onMismatch: (origin: string, expected: string) => void = () => {},
) {
  const expected = originOf(config.publicUrl);
  const refusal = () => httpErrors.invalidOrigin(expected);
  const warnOnce = mismatchWarning(expected, onMismatch);
  return (request: FastifyRequest): AppError | null => {
    if (!STATE_CHANGING_METHODS.has(request.method)) return null;
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/')) return null;
    // better-auth refuses these itself (a bare INVALID_ORIGIN): the operator hears why here.
    if (typeof request.headers.origin === 'string') warnOnce(request.headers.origin);
    if (ROUTES_CHECKED_ELSEWHERE.has(route)) return null;
    const { origin, referer, cookie } = request.headers;
    const claimed = origin ?? (referer === undefined ? undefined : originOf(referer));
    if (claimed === undefined) return cookie === undefined ? null : refusal();
    return originOf(claimed) === expected ? null : refusal();
  };
}
