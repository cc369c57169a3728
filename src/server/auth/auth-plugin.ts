// Mounts better-auth at /api/auth/* and provides the guards every other route uses.
import { fromNodeHeaders } from 'better-auth/node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Config } from '../config.ts';
import { commonErrors } from '../errors.ts';
import { loadOrCreateSecretFile } from '../vault/keyring-source.ts';
import { authSecretPath } from '../vault/vault-plugin.ts';
import { hasAnyAccount, isDisabled, isFirstAdmin } from './account-state.ts';
import { type AccountsLock, createAccountsLock } from './accounts-lock.ts';
import { createAuthAudit } from './auth-audit.ts';
import { type AuthRefusal, authErrors } from './auth-errors.ts';
import { AUTH_ATTEMPTS_PER_MINUTE, type Auth, type AuthHooks, CLIENT_IP_HEADER, createAuth } from './auth-instance.ts';
import { AUTH_BASE_PATH, allowedAuthPath, isSsoPath } from './auth-paths.ts';
import { authRateLimitStorage, createSignInThrottle, SIGN_IN_PATH } from './sign-in-throttle.ts';
import { ssoErrors } from './sso-errors.ts';
import { createSsoInstance, type SsoInstance } from './sso-instance.ts';
import { createSsoSettings, type SsoSettings, ssoSealedSecret } from './sso-settings.ts';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'user';
  /** TOTP two-factor is set up (better-auth's two-factor plugin). */
  twoFactorEnabled: boolean;
}

type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    auth: Auth;
    /**
     * What modules registered later decide for better-auth (the sign-up limit setting, how a reset
     * link is sent): they replace these defaults while the app is built.
     */
    authHooks: AuthHooks;
    /** Single sign-on and two-factor settings, and the better-auth instance serving single sign-on. */
    sso: { settings: SsoSettings; instance: SsoInstance };
    /** Serialises the changes that decide the first account and the last admin. */
    accountsLock: AccountsLock;
    /** onRequest hook (before the body is even parsed): 401 unless signed in. */
    requireUser: Guard;
    /**
     * onRequest hook (before the body is even parsed): 401 unless signed in, 403 unless admin, 403
     * `two_factor_required` while admins must have two-factor and this one has not set it up.
     */
    requireAdmin: Guard;
  }
  interface FastifyRequest {
    sessionUser: SessionUser | null;
  }
}

/** The signed-in user of a route guarded by requireUser or requireAdmin. */
export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.sessionUser) throw commonErrors.unauthenticated();
  return request.sessionUser;
}

const sendRefusal = (reply: FastifyReply, refusal: AuthRefusal) =>
  reply.status(refusal.status).headers(refusal.headers).send(refusal.body);

export const authPlugin = fastifyPlugin<{ config: Config }>(
  async (app, { config }) => {
    const log = app.log.child({ module: 'auth' });
    const secret =
      config.authSecret ??
      (await loadOrCreateSecretFile(authSecretPath(config), {
        warn: (message) => log.warn(message),
        info: (message) => log.info(message),
      }));
    const hooks: AuthHooks = {
      signupsPerAddressPerMinute: async () => AUTH_ATTEMPTS_PER_MINUTE,
      signupOpen: async () => config.signup === 'open',
      async sendResetPassword() {
        log.warn('a password reset was asked for, but nothing sends reset links');
      },
    };
    app.decorate('authHooks', hooks);
    // Read at each call: the modules registered after this one fill them in.
    const authHooks: AuthHooks = {
      signupsPerAddressPerMinute: () => app.authHooks.signupsPerAddressPerMinute(),
      signupOpen: () => app.authHooks.signupOpen(),
      sendResetPassword: (input) => app.authHooks.sendResetPassword(input),
    };
    const authLogger = { warn: (message: string) => log.warn(message), error: (message: string) => log.error(message) };
    // One count of attempts per address for both better-auth instances (main and single sign-on).
    const rateLimitStorage = authRateLimitStorage(app.metering.rates);
    const audit = createAuthAudit({ audit: app.audit, db: app.database.db, clientIpHeader: CLIENT_IP_HEADER });
    const auth = createAuth({
      config,
      db: app.database.db,
      secret,
      logger: authLogger,
      hooks: authHooks,
      rateLimitStorage,
      audit,
    });
    app.decorate('auth', auth);
    const ssoSettings = createSsoSettings({
      config,
      db: app.database.db,
      keyring: app.keyring,
      bus: app.bus,
      log: log.child({ module: 'sso' }),
    });
    await ssoSettings.refresh();
    // The client secret is sealed with the keyring: the vault's rotation re-seals it too.
    app.vault.registerSealed(ssoSealedSecret(app.database.db));
    const ssoInstance = createSsoInstance({
      settings: ssoSettings,
      bus: app.bus,
      build: (oidc) =>
        createAuth({
          config,
          db: app.database.db,
          secret,
          logger: authLogger,
          hooks: authHooks,
          rateLimitStorage,
          oidc,
          audit,
        }),
      log: log.child({ module: 'sso' }),
    });
    app.decorate('sso', { settings: ssoSettings, instance: ssoInstance });
    const accountsLock = createAccountsLock({ database: app.database, auth });
    app.decorate('accountsLock', accountsLock);
    app.decorateRequest('sessionUser', null);

    async function loadSessionUser(request: FastifyRequest): Promise<SessionUser | null> {
      const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
      if (!session || isDisabled(session.user)) return null;
      return {
        id: session.user.id,
        email: session.user.email,
        name: session.user.name,
        role: session.user.role === 'admin' ? 'admin' : 'user',
        twoFactorEnabled: session.user.twoFactorEnabled === true,
      };
    }

    app.decorate('requireUser', async (request: FastifyRequest) => {
      request.sessionUser = await loadSessionUser(request);
      if (!request.sessionUser) throw commonErrors.unauthenticated();
    });
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      request.sessionUser = await loadSessionUser(request);
      if (!request.sessionUser) throw commonErrors.unauthenticated();
      if (request.sessionUser.role !== 'admin') throw commonErrors.forbidden();
      if (!request.sessionUser.twoFactorEnabled && ssoSettings.current().requireAdminTwoFactor) {
        throw ssoErrors.twoFactorRequired();
      }
    });

    // better-auth speaks the Fetch API: translate the Fastify request, answer with its Response.
    const signInThrottle = createSignInThrottle(app.metering.rates);
    let accountsExist = false;

    app.route({
      method: ['GET', 'POST'],
      url: '/api/auth/*',
      // The OpenAPI document describes each endpoint served here by hand (openapi/auth-endpoints.ts).
      schema: { hide: true },
      async handler(request, reply) {
        const path = allowedAuthPath(request.method, request.url);
        if (path === null) {
          // One answer, in better-auth's error shape, for an endpoint WeBox does not expose and for
          // a path spelled other than the way better-auth's router resolves it.
          return sendRefusal(reply, authErrors.notFound());
        }
        const signIn = path === SIGN_IN_PATH;
        const email = signIn ? emailOf(request.body) : null;
        // Single sign-on's endpoints are served by its own instance, when it is configured.
        const handler = isSsoPath(path) ? await ssoInstance.current() : auth;
        if (handler === null) return sendRefusal(reply, authErrors.notFound());
        if (ssoSettings.current().ssoOnly && (signIn || path === SIGN_UP_PATH)) {
          // Password sign-in and sign-up are refused, except the first admin's sign-in: the way back
          // in when the identity provider fails. The first account may still sign up (none exists).
          const allowed = signIn
            ? email !== null && (await isFirstAdmin(app.database.db, email))
            : !(await hasAnyAccount(app.database.db));
          if (!allowed) return sendRefusal(reply, authErrors.ssoOnly());
        }
        if (signIn) {
          const wait = await signInThrottle.waitSeconds(email, request.ip);
          if (wait > 0) {
            // better-auth's error shape, which its client and our sign-in page read.
            return sendRefusal(reply, authErrors.tooManyAttempts(wait));
          }
        }
        if (path === RESET_REQUEST_PATH) {
          // Per account: a few e-mails an hour, whoever asks. Past that, the same answer as always
          // (it never says whether the address has an account), and nothing is sent.
          const resetEmail = emailOf(request.body)?.trim().toLowerCase();
          if (resetEmail) {
            const rates = app.metering.rates;
            if ((await rates.blockedFor('reset-account', resetEmail, RESETS_PER_ACCOUNT, RESET_WINDOW_SECONDS)) > 0) {
              return reply.status(200).send(RESET_REQUESTED);
            }
            await rates.countFailure('reset-account', resetEmail, RESETS_PER_ACCOUNT, RESET_WINDOW_SECONDS);
          }
        }
        const headers = fromNodeHeaders(request.headers);
        // Only Fastify's view of the client address counts (it honours trustProxy); a client
        // cannot choose its own rate-limit bucket by sending this header.
        headers.set(CLIENT_IP_HEADER, request.ip);
        const url = new URL(request.url, config.publicUrl);
        const forward = () =>
          handler.handler(
            new Request(url, {
              method: request.method,
              headers,
              body: request.method === 'GET' || request.body === undefined ? undefined : JSON.stringify(request.body),
            }),
          );
        // While no account exists, sign-ups take turns: the first alone becomes admin (and, with
        // WEBOX_SIGNUP=closed, the only account); better-auth's hook counts users outside any lock.
        if (path === SIGN_UP_PATH && !accountsExist) accountsExist = await hasAnyAccount(app.database.db);
        const response = path === SIGN_UP_PATH && !accountsExist ? await accountsLock.around(forward) : await forward();
        if (signIn) {
          if (response.status === 401) await signInThrottle.failed(email, request.ip);
          else if (response.ok && email) await signInThrottle.succeeded(email);
        }
        reply.status(response.status);
        for (const [name, value] of response.headers) {
          if (name !== 'set-cookie') reply.header(name, value);
        }
        const cookies = response.headers.getSetCookie();
        if (cookies.length > 0) reply.header('set-cookie', cookies);
        return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null);
      },
    });
  },
  { name: 'webox-auth', dependencies: ['webox-database', 'webox-audit', 'webox-vault', 'webox-metering'] },
);

const SIGN_UP_PATH = `${AUTH_BASE_PATH}/sign-up/email`;
const RESET_REQUEST_PATH = `${AUTH_BASE_PATH}/request-password-reset`;
/** Reset e-mails per account per hour. */
const RESETS_PER_ACCOUNT = 3;
const RESET_WINDOW_SECONDS = 60 * 60;
/** better-auth's own answer to a reset request, word for word. */
const RESET_REQUESTED = {
  status: true,
  message: 'If this email exists in our system, check your email for the reset link',
};

const emailOf = (body: unknown) => {
  const email = (body as { email?: unknown } | null)?.email;
  return typeof email === 'string' && email.length > 0 && email.length <= 320 ? email : null;
};
