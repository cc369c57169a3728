// The better-auth instance: email + password, cookie sessions, the admin plugin for roles and bans.
// Every security-relevant option is set explicitly from Config, because better-auth relaxes its
// origin check and rate limiting under NODE_ENV=test (which Vitest sets) and tests must see what
// production does.
import { drizzleAdapter } from '@better-auth/drizzle-adapter';
import { betterAuth } from 'better-auth';
// The admin plugin's own entry: the plugins index loads every plugin (organisations, two-factor,
// …), several MB resident for nothing (issue 13).
import { admin } from 'better-auth/plugins/admin';
import { count } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
// better-auth's adapter is given its own tables only.
import * as schema from '../db/schema/auth.ts';
import { authErrors } from './auth-errors.ts';
import { checkAuthInput, validateUserFields } from './user-fields.ts';

/** Fastify's view of the client address is handed to better-auth in this header (and only ours). */
export const CLIENT_IP_HEADER = 'x-webox-client-ip';

/** Sign-in and sign-up attempts per client address per minute (sign-ups: until an admin sets another). */
export const AUTH_ATTEMPTS_PER_MINUTE = 10;

/** Password-reset requests per client address per minute (each may send an e-mail). */
export const RESET_REQUESTS_PER_MINUTE = 5;

/** How long a password-reset link works. */
export const RESET_LINK_SECONDS = 60 * 60;

/**
 * What the accounts modules registered after the auth plugin decide for better-auth: the per-address
 * sign-up limit (an admin's setting) and how a reset link reaches its user (the mailer).
 */
export interface AuthHooks {
  signupsPerAddressPerMinute(): Promise<number>;
  sendResetPassword(input: {
    user: { id: string; email: string; name: string };
    token: string;
    request: Request | undefined;
  }): Promise<void>;
}

export function createAuth(options: {
  config: Config;
  db: Database;
  secret: string;
  logger: AuthLogger;
  hooks: AuthHooks;
}) {
  const { config, db, secret, logger, hooks } = options;
  return betterAuth({
    appName: 'WeBox',
    baseURL: config.publicUrl,
    basePath: '/api/auth',
    secret,
    trustedOrigins: [config.publicUrl],
    database: drizzleAdapter(db, { provider: 'pg', schema }),
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      minPasswordLength: 8,
      maxPasswordLength: 256,
      resetPasswordTokenExpiresIn: RESET_LINK_SECONDS,
      // A reset (by its user or through an admin's link) signs the account out everywhere.
      revokeSessionsOnPasswordReset: true,
      async sendResetPassword({ user, token }, request) {
        await hooks.sendResetPassword({ user, token, request });
      },
    },
    // Reset tokens are stored as their hash: a database dump holds no usable link.
    verification: { storeIdentifier: 'hashed' },
    session: {
      expiresIn: 60 * 60 * 24 * 30,
      updateAge: 60 * 60 * 24,
      // Every request reads its session and user from the database, never from a signed cookie:
      // a disabled or deleted account's cookie stops at once, on every instance.
      cookieCache: { enabled: false },
    },
    rateLimit: {
      enabled: true,
      storage: 'memory',
      window: 60,
      max: 300,
      customRules: {
        '/sign-in/*': { window: 60, max: AUTH_ATTEMPTS_PER_MINUTE },
        // The admin may raise it (a class registering from one school address); accepted
        // invitations never pass here (POST /api/invitations/:token/accept).
        '/sign-up/*': async () => ({ window: 60, max: await hooks.signupsPerAddressPerMinute() }),
        '/request-password-reset': { window: 60, max: RESET_REQUESTS_PER_MINUTE },
        '/reset-password': { window: 60, max: AUTH_ATTEMPTS_PER_MINUTE },
      },
    },
    advanced: {
      disableOriginCheck: false,
      disableCSRFCheck: false,
      useSecureCookies: config.publicUrl.startsWith('https://'),
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      cookiePrefix: 'webox',
    },
    telemetry: { enabled: false },
    logger: {
      level: 'warn',
      log(level, message) {
        if (level === 'error') logger.error(message);
        else logger.warn(message);
      },
    },
    plugins: [admin({ defaultRole: 'user', adminRoles: ['admin'] })],
    hooks: { before: checkAuthInput },
    databaseHooks: {
      user: {
        create: {
          async before(user, context) {
            validateUserFields(user);
            const [row] = await db.select({ users: count() }).from(schema.user);
            const isFirstAccount = (row?.users ?? 0) === 0;
            // The first account runs the instance: it is always allowed and always admin.
            if (isFirstAccount) return { data: { ...user, role: 'admin' } };
            if (config.signup === 'closed' && context?.path?.startsWith('/sign-up')) {
              throw authErrors.signupClosed();
            }
            return { data: user };
          },
        },
        update: {
          async before(user) {
            validateUserFields(user);
          },
        },
      },
    },
  });
}

export interface AuthLogger {
  warn(message: string): void;
  error(message: string): void;
}

export type Auth = ReturnType<typeof createAuth>;
