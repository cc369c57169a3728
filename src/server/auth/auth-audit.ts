// What better-auth does that the audit trail records: accounts made by sign-up or by a first single
// sign-on, sessions opened (a sign-in that succeeded, whatever its way: password, second factor,
// identity provider) and sign-ins refused. better-auth writes its rows outside any transaction of
// ours and runs these hooks after them, so the rows are written on their own (recordNow): a sign-in
// changes nothing WeBox owns, and an account made this way is recorded right after it exists.
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { eq } from 'drizzle-orm';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.ts';
import type { Database } from '../db/client.ts';
import { user } from '../db/schema/auth.ts';

/** How an e-mail someone typed is kept: bounded (it is the client's text). */
const EMAIL_MAX = 254;

interface HookContext {
  path?: string;
  request?: Request | undefined;
  headers?: Headers | undefined;
}

export function createAuthAudit(options: { audit: AuditTrail; db: Database; clientIpHeader: string }) {
  const { audit, db, clientIpHeader } = options;

  function actorOf(context: HookContext | null, who: { id: string; email: string } | null): AuditActor {
    const headers = context?.request?.headers ?? context?.headers;
    return {
      userId: who?.id ?? null,
      email: who?.email ?? null,
      ip: headers?.get(clientIpHeader) ?? null,
      userAgent: headers?.get('user-agent') ?? null,
    };
  }

  /** How the session or the account came: the better-auth path that made it, as a short word. */
  const methodOf = (path: string | undefined) =>
    path?.startsWith('/callback/')
      ? 'sso'
      : path?.startsWith('/two-factor/')
        ? 'two_factor'
        : path?.startsWith('/sign-up/')
          ? 'sign_up'
          : path?.startsWith('/sign-in/')
            ? 'password'
            : 'other';

  async function accountOf(id: string) {
    const [row] = await db.select({ id: user.id, email: user.email }).from(user).where(eq(user.id, id));
    return row ?? null;
  }

  return {
    /**
     * databaseHooks.user.create.after: sign-up and a first single sign-on only. An account an admin
     * makes or an invitation opens is recorded by the accounts module, which knows who asked.
     */
    async userCreated(created: { id: string; email: string; role?: unknown }, context: HookContext | null) {
      const method = methodOf(context?.path);
      if (method !== 'sign_up' && method !== 'sso') return;
      await audit.recordNow({
        action: 'account.created',
        actor: actorOf(context, created),
        target: { kind: 'user', id: created.id },
        subjectUserId: created.id,
        details: { via: method, role: created.role === 'admin' ? 'admin' : 'user' },
      });
    },

    /** databaseHooks.session.create.after: a sign-in that succeeded (not the sign-up's own session). */
    async sessionCreated(
      session: { userId: string; ipAddress?: string | null; userAgent?: string | null },
      context: HookContext | null,
    ) {
      const method = methodOf(context?.path);
      if (method === 'sign_up') return;
      const account = await accountOf(session.userId);
      const actor = actorOf(context, account ?? { id: session.userId, email: '' });
      await audit.recordNow({
        action: 'signin.succeeded',
        actor: {
          ...actor,
          ip: actor.ip ?? session.ipAddress ?? null,
          userAgent: actor.userAgent ?? session.userAgent ?? null,
        },
        target: { kind: 'user', id: session.userId },
        subjectUserId: session.userId,
        details: { method },
      });
    },

    /**
     * hooks.after on the sign-in paths: an attempt refused (wrong password, unknown address, second
     * factor refused). The address tried is kept only when it is an account's (whose profile then
     * shows the attempt); the password never is.
     */
    signInFailures: createAuthMiddleware(async (context) => {
      const path = context.path ?? '';
      if (!path.startsWith('/sign-in/') && !path.startsWith('/two-factor/verify')) return;
      const returned = context.context.returned;
      if (!(returned instanceof APIError)) return;
      const body = (context.body ?? {}) as Record<string, unknown>;
      const tried = typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, EMAIL_MAX) : null;
      const [account] = tried
        ? await db.select({ id: user.id, email: user.email }).from(user).where(eq(user.email, tried))
        : [];
      await audit.recordNow({
        action: 'signin.failed',
        outcome: 'failure',
        actor: actorOf(context, null),
        target: account ? { kind: 'user', id: account.id } : null,
        subjectUserId: account?.id ?? null,
        details: {
          method: methodOf(path),
          status: returned.statusCode,
          ...(account ? { email: account.email } : {}),
        },
      });
    }),
  };
}

export type AuthAudit = ReturnType<typeof createAuthAudit>;
