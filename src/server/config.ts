// The only reader of process.env. The environment is parsed once at boot into a frozen, typed
// Config that is passed to buildApp(); nothing else looks at process.env, so tests can build as
// many differently configured apps as they like in one process.
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { baseUrlVariable, type ProviderId, providers } from './providers/registry.ts';
import type { GatewayParameters } from './providers/spec.ts';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** WEBOX_METRICS_TOKEN's shortest length. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** `a, b,c` → ['a', 'b', 'c']; unset or empty → []. */
const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

/** Every parameter a provider bills beyond its token prices (see GatewayParameters.pricedParameters). */
const pricedParameterNames = [
  ...new Set(
    providers.flatMap((provider) => Object.keys((provider.gateway as GatewayParameters).pricedParameters ?? {})),
  ),
];

const urlWithoutTrailingSlash = (fallback: string) =>
  z
    .string()
    .url()
    .default(fallback)
    .transform((value) => value.replace(/\/+$/, ''));

// proxy-addr's names for address ranges (Fastify's trustProxy understands them).
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR range (`10.0.0.0/8`, `fd00::/8`) or one of proxy-addr's range names. */
function isProxyAddress(value: string) {
  if (PROXY_RANGE_NAMES.has(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * WEBOX_TRUST_PROXY: whose X-Forwarded-For WeBox believes, so that per-address limits (sign-up,
 * sign-in, password resets) count the real client behind a reverse proxy instead of the proxy.
 * Unset: nobody's (the socket's peer is the client). A hop count (`1`: the nearest proxy), or the
 * proxies' addresses and ranges. `true` is refused on purpose: it would let any client that can
 * reach WeBox directly choose its own address, and so its own rate-limit bucket.
 */
/** A hop count from 1 to 10, the proxies' addresses and ranges, or nothing that is valid (null). */
function parseTrustProxy(value: string): number | string[] | null {
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 10 ? hops : null;
  }
  const addresses = value.split(',').map((item) => item.trim());
  return addresses.every(isProxyAddress) ? addresses : null;
}

const trustProxySchema = optionalString
  .refine(
    (value) => value === undefined || parseTrustProxy(value) !== null,
    "WEBOX_TRUST_PROXY must be a hop count from 1 to 10, or the reverse proxy's addresses or ranges, comma-separated (127.0.0.1, 10.0.0.0/8, loopback)",
  )
  .transform((value): number | string[] | false => (value === undefined ? false : (parseTrustProxy(value) ?? false)));

export const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  WEBOX_TRUST_PROXY: trustProxySchema,
  WEBOX_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  WEBOX_REQUEST_TIMEOUT_MS: positiveInt(60_000),
  WEBOX_MAX_CONNECTIONS: z.coerce.number().int().positive().optional(),
  WEBOX_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  WEBOX_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalString.refine(
    (value) => value === undefined || /^postgres(ql)?:\/\//.test(value),
    'DATABASE_URL must start with postgres:// or postgresql://',
  ),
  REDIS_URL: optionalString,
  WEBOX_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'WEBOX_REDIS_PREFIX: letters, digits and _ . : - only')
    .default('webox'),
  WEBOX_MASTER_KEY: optionalString,
  WEBOX_MASTER_KEYS: optionalString,
  WEBOX_MASTER_KEY_ACTIVE: optionalString,
  WEBOX_AUTH_SECRET: optionalString,
  WEBOX_PUBLIC_URL: optionalString,
  WEBOX_SIGNUP: z.enum(['open', 'closed']).default('open'),
  // Single sign-on (docs/sso-2fa.md): set here, they win over the admin page's settings.
  WEBOX_OIDC_ISSUER: optionalString.refine(
    (value) => value === undefined || /^https?:\/\/[^\s]{1,2000}$/.test(value),
    'WEBOX_OIDC_ISSUER must be an http(s) URL',
  ),
  WEBOX_OIDC_CLIENT_ID: optionalString,
  WEBOX_OIDC_CLIENT_SECRET: optionalString,
  WEBOX_OIDC_NAME: optionalString,
  WEBOX_RATE_LIMIT_RPM: positiveInt(120),
  WEBOX_RATE_LIMIT_TPM: z.coerce.number().int().positive().optional(),
  WEBOX_TIMEZONE: z
    .string()
    .default('UTC')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'WEBOX_TIMEZONE must be an IANA time zone such as Europe/Paris'),
  WEBOX_UPSTREAM_TIMEOUT_MS: positiveInt(60_000),
  WEBOX_QUOTA_HOLD_TTL_MS: positiveInt(120_000),
  // Far above what one person or script needs (a chat tab holds one), far below the sockets one
  // account could otherwise tie up.
  WEBOX_MAX_IN_FLIGHT_PER_USER: positiveInt(32),
  WEBOX_GLOBAL_SERVICE_TIERS: commaList.pipe(
    z.array(z.string().regex(/^[a-z_]{1,32}$/, 'WEBOX_GLOBAL_SERVICE_TIERS: tier names such as flex,priority')),
  ),
  WEBOX_GLOBAL_PRICED_PARAMETERS: commaList.pipe(
    z.array(
      z
        .string()
        .refine(
          (name) => pricedParameterNames.includes(name),
          `WEBOX_GLOBAL_PRICED_PARAMETERS: names among ${pricedParameterNames.join(', ')}`,
        ),
    ),
  ),
  STRIPE_SECRET_KEY: optionalString.refine(
    (value) => value === undefined || /^(sk|rk)_[A-Za-z0-9_]{8,}$/.test(value),
    'STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_… or rk_…)',
  ),
  STRIPE_WEBHOOK_SECRET: commaList.pipe(
    z.array(
      z.string().regex(/^whsec_[A-Za-z0-9+/=_-]{8,}$/, 'STRIPE_WEBHOOK_SECRET: whsec_… secrets, comma-separated'),
    ),
  ),
  WEBOX_STRIPE_API_URL: z
    .string()
    .url()
    .default('https://api.stripe.com')
    .transform((value) => value.replace(/\/+$/, ''))
    .refine(
      (value) => new URL(value).origin === value,
      'WEBOX_STRIPE_API_URL must be an origin with no path (the SDK adds /v1)',
    ),
  WEBOX_BILLING_GRACE_DAYS: z.coerce.number().int().min(0).default(3),
  // The messages never repeat the value: the URL carries the SMTP password.
  WEBOX_SMTP_URL: optionalString.refine((value) => value === undefined || isSmtpUrl(value), {
    error: 'WEBOX_SMTP_URL must be smtp://user:pass@host:port or smtps://… (the value is not repeated here)',
  }),
  WEBOX_EMAIL_FROM: optionalString.refine((value) => value === undefined || isMailbox(value), {
    error: 'WEBOX_EMAIL_FROM must be an address, or a name and an address: WeBox <webox@example.org>',
  }),
  // The bearer token Prometheus sends to read /metrics (unset: no /metrics). Never repeated here.
  WEBOX_METRICS_TOKEN: optionalString.refine((value) => value === undefined || isMetricsToken(value), {
    error: `WEBOX_METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} printable characters with no spaces, such as the output of \`openssl rand -hex 32\` (the value is not repeated here)`,
  }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

// WEBOX_<PROVIDER>_BASE_URL for every provider in the registry, defaulting to the real API.
const providerBaseUrlSchema = z.object(
  Object.fromEntries(
    providers.map((provider) => [baseUrlVariable(provider.id), urlWithoutTrailingSlash(provider.defaultBaseUrl)]),
  ),
);

function isSmtpUrl(value: string) {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'smtp:' || url.protocol === 'smtps:') &&
      url.hostname !== '' &&
      url.pathname.replace('/', '') === ''
    );
  } catch {
    return false;
  }
}

/** A bearer token as Prometheus sends it: printable ASCII with no space, long enough not to guess. */
function isMetricsToken(value: string) {
  return value.length >= METRICS_TOKEN_MIN_LENGTH && value.length <= 512 && /^[\x21-\x7e]+$/.test(value);
}

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
/** `webox@example.org` or `WeBox <webox@example.org>`, one line. */
function isMailbox(value: string) {
  if (/[\r\n\0]/.test(value) || value.length > 320) return false;
  const named = /^[^<>\r\n]*<([^<>]+)>$/.exec(value);
  return ADDRESS.test(named ? (named[1] ?? '') : value);
}

export type Environment = z.input<typeof environmentSchema>;

export function parseConfig(environment: Record<string, string | undefined>) {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) throw invalidConfiguration(parsed.error);
  const env = parsed.data;
  const baseUrls = providerBaseUrlSchema.safeParse(environment);
  if (!baseUrls.success) throw invalidConfiguration(baseUrls.error);
  if (env.WEBOX_MASTER_KEY && env.WEBOX_MASTER_KEYS) {
    throw new ConfigError('Set either WEBOX_MASTER_KEY or WEBOX_MASTER_KEYS, not both.');
  }
  if (env.DATABASE_URL && !env.WEBOX_AUTH_SECRET) {
    throw new ConfigError(
      'WEBOX_AUTH_SECRET is required when DATABASE_URL is set (every instance must sign sessions with the same secret).',
    );
  }
  if (env.WEBOX_AUTH_SECRET && env.WEBOX_AUTH_SECRET.length < 32) {
    throw new ConfigError('WEBOX_AUTH_SECRET must be at least 32 characters long.');
  }
  if (env.WEBOX_HEADERS_TIMEOUT_MS > env.WEBOX_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('WEBOX_HEADERS_TIMEOUT_MS must not be longer than WEBOX_REQUEST_TIMEOUT_MS.');
  }
  if (env.WEBOX_SMTP_URL && !env.WEBOX_EMAIL_FROM) {
    throw new ConfigError(
      'WEBOX_EMAIL_FROM is required when WEBOX_SMTP_URL is set (the sender of invitations and resets).',
    );
  }
  const dataDir = path.resolve(env.WEBOX_DATA_DIR);
  return Object.freeze({
    port: env.PORT,
    host: env.HOST,
    /** Fastify's trustProxy: false, a hop count, or the reverse proxies' addresses. */
    trustProxy: env.WEBOX_TRUST_PROXY,
    /** How long a client may take to send a request's headers, and the whole request (not the answer). */
    headersTimeoutMs: env.WEBOX_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.WEBOX_REQUEST_TIMEOUT_MS,
    /** Open client connections at most; unset: derived from the process's open-files limit. */
    maxConnections: env.WEBOX_MAX_CONNECTIONS,
    /** How long a graceful stop lets requests in flight finish before it ends them. */
    drainTimeoutMs: env.WEBOX_DRAIN_TIMEOUT_MS,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    /** Prefix of every Redis key (deployments sharing one Redis keep apart). */
    redisPrefix: env.WEBOX_REDIS_PREFIX,
    masterKey: env.WEBOX_MASTER_KEY,
    masterKeys: env.WEBOX_MASTER_KEYS,
    masterKeyActive: env.WEBOX_MASTER_KEY_ACTIVE,
    authSecret: env.WEBOX_AUTH_SECRET,
    publicUrl: (env.WEBOX_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    signup: env.WEBOX_SIGNUP,
    /**
     * OpenID Connect single sign-on from the environment (all three of issuer, client id and
     * secret, or null); it wins over the admin's settings. The secret is never logged.
     */
    oidc:
      env.WEBOX_OIDC_ISSUER && env.WEBOX_OIDC_CLIENT_ID && env.WEBOX_OIDC_CLIENT_SECRET
        ? Object.freeze({
            issuer: env.WEBOX_OIDC_ISSUER.replace(/\/+$/, ''),
            clientId: env.WEBOX_OIDC_CLIENT_ID,
            clientSecret: env.WEBOX_OIDC_CLIENT_SECRET,
            name: env.WEBOX_OIDC_NAME ?? null,
          })
        : null,
    providerBaseUrls: Object.freeze(
      Object.fromEntries(providers.map((provider) => [provider.id, baseUrls.data[baseUrlVariable(provider.id)]])),
    ) as Readonly<Record<ProviderId, string>>,
    rateLimit: Object.freeze({
      requestsPerMinute: env.WEBOX_RATE_LIMIT_RPM,
      tokensPerMinute: env.WEBOX_RATE_LIMIT_TPM,
    }),
    timezone: env.WEBOX_TIMEZONE,
    /** How long a budget hold outlives a process that stopped renewing it (a crash) before it is charged. */
    quotaHoldTtlMs: env.WEBOX_QUOTA_HOLD_TTL_MS,
    upstreamTimeoutMs: env.WEBOX_UPSTREAM_TIMEOUT_MS,
    /**
     * Model calls one user may have running at once on this instance (web chat, conversations and
     * /v1 together, personal and global keys alike); the next one answers 429 rate_limited.
     */
    maxInFlightPerUser: env.WEBOX_MAX_IN_FLIGHT_PER_USER,
    /**
     * What the global keys may be asked for beyond the catalogue's token prices (default: nothing):
     * service tiers past each provider's standard ones, and parameters billed apart (issue 10).
     */
    globalKeyExtras: Object.freeze({
      serviceTiers: Object.freeze(env.WEBOX_GLOBAL_SERVICE_TIERS),
      pricedParameters: Object.freeze(env.WEBOX_GLOBAL_PRICED_PARAMETERS),
    }),
    /**
     * Stripe (DESIGN §6 "Billing"): `enabled` when STRIPE_SECRET_KEY is set. Plans, grants and the
     * policy work without it. Secrets: never logged (logging.ts redacts these fields).
     */
    billing: Object.freeze({
      enabled: env.STRIPE_SECRET_KEY !== undefined,
      stripeSecretKey: env.STRIPE_SECRET_KEY,
      /** Several while a secret is rotated; a delivery verifying against any of them is accepted. */
      stripeWebhookSecrets: Object.freeze(env.STRIPE_WEBHOOK_SECRET),
      stripeApiUrl: env.WEBOX_STRIPE_API_URL,
      /** What `graceDays` is until an admin sets another. */
      graceDays: env.WEBOX_BILLING_GRACE_DAYS,
    }),
    /**
     * E-mail (invitations, password resets): null without WEBOX_SMTP_URL, and the links are handed
     * to the admin instead. Secret: `smtpUrl` holds the SMTP password; never logged.
     */
    mail: env.WEBOX_SMTP_URL ? Object.freeze({ smtpUrl: env.WEBOX_SMTP_URL, from: env.WEBOX_EMAIL_FROM ?? '' }) : null,
    /** Prometheus's bearer token for /metrics, or null: no /metrics route. Secret: never logged. */
    metricsToken: env.WEBOX_METRICS_TOKEN ?? null,
    logLevel: env.LOG_LEVEL,
  });
}

export type Config = ReturnType<typeof parseConfig>;

/** The running process's configuration: the one place WeBox reads its environment. */
export const loadConfig = () => parseConfig(process.env);

function invalidConfiguration(error: z.ZodError) {
  const problems = error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  return new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** A configuration the server refuses to start with; its message is shown to the operator as is. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
