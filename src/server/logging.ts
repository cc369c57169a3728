// pino options for the whole server. Keys and secrets never reach a log line: headers that carry
// credentials and every field named like a key are redacted, and errors are serialised to a fixed
// set of fields (an SDK error's enumerable properties can hold request headers or bodies).
import type { FastifyServerOptions } from 'fastify';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import { scrubCredentialShapes } from './upstream/scrub-secrets.ts';

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'ciphertext',
  '*.ciphertext',
  // The configuration's Stripe secrets: its billing part alone, or the whole configuration.
  'stripeSecretKey',
  '*.stripeSecretKey',
  '*.*.stripeSecretKey',
  'stripeWebhookSecrets',
  '*.stripeWebhookSecrets',
  '*.*.stripeWebhookSecrets',
  // The SMTP URL carries its password: the mail part alone, or the whole configuration.
  'smtpUrl',
  '*.smtpUrl',
  '*.*.smtpUrl',
  // Prometheus's bearer token for /metrics (the whole configuration logged).
  'metricsToken',
  '*.metricsToken',
  // The OIDC client secret (the configuration's, the admin's request body).
  'clientSecret',
  '*.clientSecret',
  '*.*.clientSecret',
];

/**
 * A fixed set of fields, never the error's own (an AI SDK APICallError carries the request's url,
 * requestBodyValues, responseHeaders and the provider's whole responseBody). Message, stack and
 * causes lose anything shaped like a credential: a provider's message may quote the key, and the
 * SDK makes that message its error's (issue 10, item 4).
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrubCredentialShapes(String(error)) };
  const withCode = error as Error & { code?: unknown; statusCode?: unknown };
  return {
    type: error.name,
    message: scrubCredentialShapes(error.message),
    code: typeof withCode.code === 'string' ? scrubCredentialShapes(withCode.code) : undefined,
    statusCode: typeof withCode.statusCode === 'number' ? withCode.statusCode : undefined,
    stack: error.stack === undefined ? undefined : scrubCredentialShapes(error.stack),
    cause: error.cause === undefined || depth >= 3 ? undefined : serializeError(error.cause, depth + 1),
  };
}

export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      err: (error) => serializeError(error),
      error: (error) => serializeError(error),
      req: serializeRequest,
    },
  };
  return stream ? { ...options, stream } : options;
}

/**
 * Paths that carry a secret in the URL itself (an invitation's token in GET /api/invitations/:token),
 * and the query parameters that may: logged as `[redacted]`.
 */
const SECRET_PATH = /^(\/api\/invitations\/)[^/?#]+/;
const SECRET_QUERY = /([?&](?:token|callbackURL)=)[^&#]*/gi;

export function redactUrlSecrets(url: string): string {
  return url.replace(SECRET_PATH, '$1[redacted]').replace(SECRET_QUERY, '$1[redacted]');
}

/** Fastify's own request fields, the URL's secrets redacted. */
function serializeRequest(request: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: request.method,
    url: redactUrlSecrets(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

const { chindingsSym } = pino.symbols;

/**
 * Fastify's request loggers, made when a request logs, not on every request. Fastify builds a
 * child logger per request (its id bound), and pino turns the bindings into JSON through the
 * redaction at once: most requests on the hot path never log a line. Here the child is the parent
 * with its bound JSON (pino.symbols, pino's integration point) computed by pino on first use; a
 * route's own log options take pino's own path.
 */
export const childLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, opts) => {
  for (const _option in opts) return logger.child(bindings, opts);
  const child = Object.create(logger) as typeof logger;
  Object.defineProperty(child, chindingsSym, {
    configurable: true,
    get() {
      const chindings = (logger.child(bindings) as unknown as Record<symbol, string>)[chindingsSym];
      Object.defineProperty(child, chindingsSym, { value: chindings, writable: true, configurable: true });
      return chindings;
    },
    // pino's own writes (setBindings, a child of this child) replace it.
    set(value: string) {
      Object.defineProperty(this, chindingsSym, { value, writable: true, configurable: true });
    },
  });
  return child;
};
