// The better-auth instance: email + password, cookie sessions, the admin plugin for roles and bans,
// the two-factor plugin (TOTP and recovery codes) and, on the single sign-on instance only, the
// generic OAuth plugin for the OpenID Connect provider (docs/sso-2fa.md). Every security-relevant option is set explicitly from Config, because better-auth relaxes its
// origin check and rate limiting under NODE_ENV=test (which Vitest sets) and tests must see what
// production does.
import type { BetterAuthRateLimitStorage } from '@better-auth/core';
import { drizzleAdapter } from '@better-auth/drizzle-adapter';
import { betterAuth } from 'better-auth';
// The admin plugin's own entry: the plugins index loads every plugin (organisations, two-factor,
// …), several MB resident for nothing (issue 13).
import { admin } from 'better-auth/plugins/admin';
import { genericOAuth } from 'better-auth/plugins/generic-oauth';
import { twoFactor } from 'better-auth/plugins/two-factor';
import { count } from 'drizzle-orm';
import { isSingleLine, toSafeLabel } from '../../shared/text.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
// better-auth's adapter is given its own tables only.
import * as schema from '../db/schema/auth.ts';
import type { AuthAudit } from './auth-audit.ts';
import { authErrors } from './auth-errors.ts';
import { checkAuthInput, USER_IMAGE_MAX, USER_NAME_MAX, validateUserFields } from './user-fields.ts';

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
  /** Whether anyone may sign up: the admin's setting, else WEBOX_SIGNUP. */
  signupOpen(): Promise<boolean>;
  sendResetPassword(input: {
    user: { id: string; email: string; name: string };
    token: string;
    request: Request | undefined;
  }): Promise<void>;
}

/** The generic OAuth provider's id: the callback is /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = 'oidc';

/** Codes tried per second factor challenge, per account before a 15-minute lock, per address a minute. */
export const TWO_FACTOR_ATTEMPTS_PER_MINUTE = 10;

/** The identity provider's settings in use (the environment's, or the admin's with the secret opened). */
export interface OidcProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export function createAuth(options: {
  config: Config;
  db: Database;
  secret: string;
  logger: AuthLogger;
  hooks: AuthHooks;
  /** Where the per-address limits are counted: one storage for every instance (authRateLimitStorage). */
  rateLimitStorage: BetterAuthRateLimitStorage;
  /** Only on the single sign-on instance (auth/sso-instance.ts); the main instance has none. */
  oidc?: OidcProviderSettings | null;
  /** Records accounts made, sign-ins and refused sign-ins in the audit trail. */
  audit: AuthAudit;
}) {
  const { config, db, secret, logger, hooks, rateLimitStorage, audit } = options;
  const oidc = options.oidc ?? null;
  return betterAuth({
    appName: 'WeBox',
    baseURL: config.publicUrl,
    basePath: '/api/auth',
    secret,
    trustedOrigins: [config.publicUrl],
    // A callback that fails (an unverified e-mail, sign-up closed, the provider's refusal) comes
    // back to the sign-in page with ?error=<code>, not to better-auth's own error page.
    onAPIError: { errorURL: `${config.publicUrl}/sign-in` },
    account: {
      accountLinking: {
        enabled: true,
        // No provider is trusted by name: an identity provider's account joins an existing WeBox
        // account only when the provider says the e-mail is verified (email_verified).
        trustedProviders: [],
        // WeBox does not verify e-mails itself, so its accounts' flag is always false: the
        // provider's verified claim is what links.
        requireLocalEmailVerified: false,
        allowDifferentEmails: false,
      },
    },
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
      // Shared by the main and the single sign-on instances, and by every WeBox instance on Redis.
      customStorage: rateLimitStorage,
      window: 60,
      max: 300,
      customRules: {
        '/sign-in/*': { window: 60, max: AUTH_ATTEMPTS_PER_MINUTE },
        // The admin may raise it (a class registering from one school address); accepted
        // invitations never pass here (POST /api/invitations/:token/accept).
        '/sign-up/*': async () => ({ window: 60, max: await hooks.signupsPerAddressPerMinute() }),
        '/request-password-reset': { window: 60, max: RESET_REQUESTS_PER_MINUTE },
        '/reset-password': { window: 60, max: AUTH_ATTEMPTS_PER_MINUTE },
        '/two-factor/*': { window: 60, max: TWO_FACTOR_ATTEMPTS_PER_MINUTE },
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
    plugins: [
      admin({ defaultRole: 'user', adminRoles: ['admin'] }),
      twoFactor({
        issuer: 'WeBox',
        // An account made by single sign-on has no password: it sets up TOTP without one. An
        // account with a password must give it to enable or disable.
        allowPasswordless: true,
        // Recovery codes are stored encrypted with the auth secret (better-auth's default), the
        // TOTP secret too; both are answered once, at set-up.
        backupCodeOptions: { amount: 10, length: 10, storeBackupCodes: 'encrypted' },
        // Five codes per challenge, ten failures in a row lock the second factor for 15 minutes.
        totpOptions: { digits: 6, period: 30 },
        accountLockout: { enabled: true, maxFailedAttempts: 10, durationSeconds: 15 * 60 },
      }),
      ...(oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: OIDC_PROVIDER_ID,
                  discoveryUrl: `${oidc.issuer}/.well-known/openid-configuration`,
                  requireIdTokenVerification: true,
                  clientId: oidc.clientId,
                  clientSecret: oidc.clientSecret,
                  scopes: ['openid', 'email', 'profile'],
                  pkce: true,
                  // An unverified e-mail never links (accountLinking) and never makes an account
                  // (the user hook below). better-auth's requireEmailVerification is not set: it
                  // reads WeBox's own flag, which is false on every account WeBox made.
                  mapProfileToUser: profileToUser,
                },
              ],
            }),
          ]
        : []),
    ],
    hooks: { before: checkAuthInput, after: audit.signInFailures },
    databaseHooks: {
      user: {
        create: {
          async before(user, context) {
            validateUserFields(user);
            const [row] = await db.select({ users: count() }).from(schema.user);
            const isFirstAccount = (row?.users ?? 0) === 0;
            const bySso = context?.path?.startsWith('/callback/') === true;
            if (bySso) {
              // The first account signs up with a password: it is the way back in when the
              // identity provider fails or single sign-on is misconfigured.
              if (isFirstAccount) throw authErrors.ssoFirstAccount();
              if (user.emailVerified !== true) throw authErrors.ssoEmailUnverified();
              if (!(await hooks.signupOpen())) throw authErrors.signupClosed();
              return { data: { ...user, role: 'user' } };
            }
            // The first account runs the instance: it is always allowed and always admin.
            if (isFirstAccount) return { data: { ...user, role: 'admin' } };
            if (context?.path?.startsWith('/sign-up') && !(await hooks.signupOpen())) {
              throw authErrors.signupClosed();
            }
            return { data: user };
          },
          async after(user, context) {
            await audit.userCreated(user, context);
          },
        },
        update: {
          async before(user) {
            validateUserFields(user);
          },
        },
      },
      session: {
        create: {
          async after(session, context) {
            await audit.sessionCreated(session, context);
          },
        },
      },
    },
  });
}

/**
 * What an identity provider's profile may write to the user row: a one-line name (the e-mail's
 * local part when the provider gives none) and an https picture only. validateUserFields still
 * checks what is written.
 */
function profileToUser(profile: Record<string, unknown>) {
  const email = typeof profile.email === 'string' ? profile.email : '';
  const name =
    toSafeLabel(profile.name, USER_NAME_MAX, '').trim() || toSafeLabel(email.split('@')[0], USER_NAME_MAX, '') || 'SSO';
  const picture = typeof profile.picture === 'string' ? profile.picture : undefined;
  const image =
    picture && picture.length <= USER_IMAGE_MAX && picture.startsWith('https://') && isSingleLine(picture)
      ? picture
      : undefined;
  return { name, image };
}

export interface AuthLogger {
  warn(message: string): void;
  error(message: string): void;
}

export type Auth = ReturnType<typeof createAuth>;
