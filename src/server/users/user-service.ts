// Accounts as the admin sees them. The user table belongs to better-auth; this module reads it,
// and changes accounts only through better-auth: its server API to create one (so passwords are
// hashed its way), its internal adapter for role, ban, sessions and removal. Those admin-plugin
// endpoints (set-role, ban-user, remove-user, …) demand an admin session even when called from the
// server, and run outside any transaction of ours; the internal adapter does the same writes, and
// here runs inside the transaction that holds the accounts lock and checks the last admin.
import {
  and,
  asc,
  count,
  desc,
  eq,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lte,
  ne,
  notInArray,
  or,
  type SQL,
} from 'drizzle-orm';
import type { UserSort } from '../../shared/users.ts';
import { type AuditActor, type AuditTrail, SYSTEM_ACTOR } from '../audit/audit-trail.ts';
import { disabledUntil } from '../auth/account-state.ts';
import type { AccountsLock, AccountsTransaction } from '../auth/accounts-lock.ts';
import type { Auth } from '../auth/auth-instance.ts';
import { ACCOUNT_CHANNEL, type ChangeBus } from '../cache/change-bus.ts';
import type { Database } from '../db/client.ts';
import { user } from '../db/schema/auth.ts';
import { commonErrors } from '../errors.ts';
import { userErrors } from './user-errors.ts';

export interface AdminUserView {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'user';
  disabled: boolean;
  createdAt: string;
  personalKeys: string[];
}

type UserRow = typeof user.$inferSelect;

function toView(row: UserRow, personalKeys: string[]): AdminUserView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role === 'admin' ? 'admin' : 'user',
    disabled: disabledUntil(row) > Date.now(),
    createdAt: row.createdAt.toISOString(),
    personalKeys,
  };
}

/** What Admin › Users asks for: a search, an order, a page, and whom to keep (a group's members). */
export interface UserListQuery {
  q?: string;
  sort?: UserSort;
  order?: 'asc' | 'desc';
  page?: number;
  /** Unset: every matching account. */
  limit?: number;
  /** Only these accounts. */
  onlyIds?: readonly string[];
  /** Not these accounts. */
  exceptIds?: readonly string[];
}

/** `%`, `_` and `\\` are LIKE's own: a search for them looks for the characters. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

const SORT_COLUMNS = { createdAt: user.createdAt, name: user.name, email: user.email, role: user.role } as const;

type AccountRow = Pick<UserRow, 'id' | 'role' | 'banned' | 'banExpires'>;

const isActiveAdmin = (row: AccountRow, now: number) => row.role === 'admin' && disabledUntil(row) <= now;

/** Admins other than `excludedId` that are not disabled, read in the caller's transaction. */
async function otherActiveAdmins(tx: Database, excludedId: string, now: Date) {
  const [row] = await tx
    .select({ admins: count() })
    .from(user)
    .where(
      and(
        eq(user.role, 'admin'),
        ne(user.id, excludedId),
        or(
          isNull(user.banned),
          eq(user.banned, false),
          // A ban that has expired no longer disables (better-auth's rule).
          and(isNotNull(user.banExpires), lte(user.banExpires, now)),
        ),
      ),
    );
  return row?.admins ?? 0;
}

export function createUserService(options: {
  db: Database;
  auth: Auth;
  accountsLock: AccountsLock;
  bus: ChangeBus;
  personalProvidersByOwner: () => Promise<Map<string, string[]>>;
  audit: AuditTrail;
}) {
  const { db, auth, accountsLock, bus, personalProvidersByOwner, audit } = options;

  /**
   * Under the accounts lock, in one transaction: the target (404 when unknown), refusing a change
   * that takes the last active admin away (409), then an actor who lost their own admin rights
   * meanwhile (403); `apply` then writes in the same transaction.
   */
  function changeAccount(
    actorId: string,
    id: string,
    removesAdmin: boolean,
    apply: (scope: AccountsTransaction, target: AccountRow & { email: string }) => Promise<void>,
  ) {
    return accountsLock.transaction(async (scope) => {
      const now = new Date();
      const rows: Array<AccountRow & { email: string }> = await scope.tx
        .select({ id: user.id, email: user.email, role: user.role, banned: user.banned, banExpires: user.banExpires })
        .from(user)
        .where(or(eq(user.id, id), eq(user.id, actorId)));
      const target = rows.find((row) => row.id === id);
      if (!target) throw commonErrors.notFound('The user');
      if (removesAdmin && isActiveAdmin(target, now.getTime())) {
        if ((await otherActiveAdmins(scope.tx, id, now)) === 0) throw userErrors.lastAdmin();
      }
      const actor = rows.find((row) => row.id === actorId);
      if (!actor || !isActiveAdmin(actor, now.getTime())) throw commonErrors.forbidden();
      await apply(scope, target);
    });
  }

  async function findRow(id: string) {
    const [row] = await db.select().from(user).where(eq(user.id, id));
    return row;
  }

  async function viewOf(row: UserRow) {
    return toView(row, (await personalProvidersByOwner()).get(row.id) ?? []);
  }

  return {
    /** Whether an account with this id exists (other modules ask here, never the table). */
    async exists(id: string): Promise<boolean> {
      const [row] = await db.select({ id: user.id }).from(user).where(eq(user.id, id));
      return row !== undefined;
    },

    /** Whether the account exists and has the admin role (the billing gate never refuses one). */
    async isAdmin(id: string): Promise<boolean> {
      const [row] = await db.select({ role: user.role }).from(user).where(eq(user.id, id));
      return row?.role === 'admin';
    },

    /** Every account's id, oldest first. */
    async ids(): Promise<string[]> {
      const rows = await db.select({ id: user.id }).from(user).orderBy(asc(user.createdAt));
      return rows.map((row) => row.id);
    },

    /** The ids of the accounts that are not disabled (an expired ban no longer disables). */
    async activeIds(now = Date.now()): Promise<string[]> {
      const rows = await db.select({ id: user.id, banned: user.banned, banExpires: user.banExpires }).from(user);
      return rows.filter((row) => disabledUntil(row) <= now).map((row) => row.id);
    },

    /** Names and addresses of these accounts (those that no longer exist are left out). */
    async directory(ids: readonly string[]): Promise<Map<string, { name: string; email: string }>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .select({ id: user.id, name: user.name, email: user.email })
        .from(user)
        .where(inArray(user.id, [...ids]));
      return new Map(rows.map((row) => [row.id, { name: row.name, email: row.email }]));
    },

    /** The account with this e-mail, if there is one. */
    async idByEmail(email: string): Promise<string | null> {
      const [row] = await db.select({ id: user.id }).from(user).where(eq(user.email, email.trim().toLowerCase()));
      return row?.id ?? null;
    },

    /** Accounts matching the query, one page of them, and how many match in all. */
    async list(query: UserListQuery = {}): Promise<{ users: AdminUserView[]; total: number }> {
      const conditions: SQL[] = [];
      if (query.q) {
        const pattern = likePattern(query.q);
        const search = or(ilike(user.name, pattern), ilike(user.email, pattern));
        if (search) conditions.push(search);
      }
      if (query.onlyIds) {
        if (query.onlyIds.length === 0) return { users: [], total: 0 };
        conditions.push(inArray(user.id, [...query.onlyIds]));
      }
      if (query.exceptIds && query.exceptIds.length > 0) conditions.push(notInArray(user.id, [...query.exceptIds]));
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const direction = query.order === 'desc' ? desc : asc;
      // The id breaks ties, so pages never overlap or skip an account.
      const ordered = db
        .select()
        .from(user)
        .where(where)
        .orderBy(direction(SORT_COLUMNS[query.sort ?? 'createdAt']), direction(user.id));
      const page = query.page ?? 1;
      const [rows, totals, keys] = await Promise.all([
        query.limit ? ordered.limit(query.limit).offset((page - 1) * query.limit) : ordered,
        db.select({ total: count() }).from(user).where(where),
        personalProvidersByOwner(),
      ]);
      return { users: rows.map((row) => toView(row, keys.get(row.id) ?? [])), total: totals[0]?.total ?? 0 };
    },

    /** The addresses among these (lowercased) that already have an account. */
    async existingEmails(emails: readonly string[]): Promise<Set<string>> {
      if (emails.length === 0) return new Set();
      const lowered = [...new Set(emails.map((email) => email.toLowerCase()))];
      const rows = await db.select({ email: user.email }).from(user).where(inArray(user.email, lowered));
      return new Set(rows.map((row) => row.email.toLowerCase()));
    },

    /** The account with this address (lowercased), for a password reset. */
    async findByEmail(email: string): Promise<{ id: string; email: string; name: string } | null> {
      const [row] = await db
        .select({ id: user.id, email: user.email, name: user.name })
        .from(user)
        .where(eq(user.email, email.toLowerCase()));
      return row ?? null;
    },

    /**
     * `made` says who asked and how (an admin, an accepted invitation). better-auth writes the
     * account outside our transactions: its audit row follows once it exists.
     */
    async create(
      input: { name: string; email: string; password: string; role?: 'admin' | 'user' },
      made: { actor: AuditActor; via: 'admin' | 'invitation' },
    ) {
      const email = input.email.toLowerCase();
      const [existing] = await db.select({ id: user.id }).from(user).where(eq(user.email, email));
      if (existing) throw userErrors.emailTaken();
      const created = await auth.api.createUser({
        body: { name: input.name, email, password: input.password, role: input.role ?? 'user' },
      });
      const row = await findRow(created.user.id);
      if (!row) throw new Error('created user not found');
      const role = row.role === 'admin' ? 'admin' : 'user';
      await audit.recordNow({
        action: 'account.created',
        // An invitation's account is its own actor: the person who accepted it.
        actor: made.via === 'invitation' ? { ...made.actor, userId: row.id, email: row.email } : made.actor,
        target: { kind: 'user', id: row.id },
        subjectUserId: row.id,
        details: { via: made.via, role },
      });
      return viewOf(row);
    },

    async update(
      actor: AuditActor & { userId: string },
      id: string,
      change: { role?: 'admin' | 'user'; disabled?: boolean; name?: string },
    ) {
      const actorId = actor.userId;
      if (id === actorId && (change.role === 'user' || change.disabled === true)) {
        // An admin locking themselves out could leave the instance without any admin.
        throw userErrors.cannotChangeSelf('demote or disable');
      }
      await changeAccount(
        actorId,
        id,
        change.role === 'user' || change.disabled === true,
        async ({ internalAdapter, tx }, target) => {
          await internalAdapter.updateUser(id, {
            ...(change.role ? { role: change.role } : {}),
            ...(change.name === undefined ? {} : { name: change.name }),
            ...(change.disabled === undefined
              ? {}
              : {
                  banned: change.disabled,
                  banReason: change.disabled ? 'Disabled by an administrator' : null,
                  banExpires: null,
                }),
          });
          // A disabled account is signed out everywhere at once.
          if (change.disabled) await internalAdapter.deleteUserSessions(id);
          const entry = { actor, target: { kind: 'user' as const, id }, subjectUserId: id };
          const roleBefore = target.role === 'admin' ? 'admin' : 'user';
          if (change.role && change.role !== roleBefore) {
            await audit.record(tx, {
              ...entry,
              action: 'account.role_changed',
              details: { email: target.email, roleBefore, roleAfter: change.role },
            });
          }
          const wasDisabled = disabledUntil(target) > Date.now();
          if (change.disabled !== undefined && change.disabled !== wasDisabled) {
            await audit.record(tx, {
              ...entry,
              action: change.disabled ? 'account.disabled' : 'account.enabled',
              details: { email: target.email },
            });
          }
        },
      );
      // Its access tokens (and what billing caches of its role) are read again, here at once and on
      // every other instance within a second.
      if (change.disabled !== undefined || change.role !== undefined) await bus.publish(ACCOUNT_CHANNEL, id);
      const updated = await findRow(id);
      if (!updated) throw commonErrors.notFound('The user');
      return viewOf(updated);
    },

    /** Deletes the account and everything it owns (sessions, keys, tokens, conversations, usage). */
    async remove(actor: AuditActor & { userId: string }, id: string) {
      const actorId = actor.userId;
      if (id === actorId) throw userErrors.cannotChangeSelf('delete');
      await changeAccount(actorId, id, true, async ({ internalAdapter, tx }, target) => {
        await internalAdapter.deleteUser(id);
        // The address stays in the trail: the account it named is gone.
        await audit.record(tx, {
          action: 'account.deleted',
          actor,
          target: { kind: 'user', id },
          subjectUserId: id,
          details: { email: target.email, role: target.role === 'admin' ? 'admin' : 'user' },
        });
      });
      await bus.publish(ACCOUNT_CHANNEL, id);
    },
  };
}

/**
 * `webox user promote EMAIL`. Returns false when no account has that email. The change is
 * published like an admin's role change, so running servers (which cache roles: billing's access
 * decisions) see the new admin at once.
 */
export async function promoteUserByEmail(
  db: Database,
  bus: Pick<ChangeBus, 'publish'>,
  email: string,
  audit: Pick<AuditTrail, 'record'>,
): Promise<boolean> {
  const updated = await db.transaction(async (tx) => {
    const address = email.trim().toLowerCase();
    const [before] = await tx.select({ role: user.role }).from(user).where(eq(user.email, address));
    const rows = await tx.update(user).set({ role: 'admin' }).where(eq(user.email, address)).returning({ id: user.id });
    for (const { id } of rows) {
      await audit.record(tx, {
        action: 'account.role_changed',
        actor: SYSTEM_ACTOR,
        target: { kind: 'user', id },
        subjectUserId: id,
        details: {
          email: address,
          roleBefore: before?.role === 'admin' ? 'admin' : 'user',
          roleAfter: 'admin',
          via: 'cli',
        },
      });
    }
    return rows;
  });
  for (const { id } of updated) await bus.publish(ACCOUNT_CHANNEL, id);
  return updated.length > 0;
}

export type UserService = ReturnType<typeof createUserService>;

/**
 * The ids of the admins that are not disabled, read in the caller's transaction (the alerts'
 * raise queues one e-mail per admin inside its own; on PGlite a read outside it would wait for it).
 */
export async function activeAdminIdsIn(tx: Database, now = Date.now()): Promise<string[]> {
  const rows = await tx
    .select({ id: user.id, banned: user.banned, banExpires: user.banExpires })
    .from(user)
    .where(eq(user.role, 'admin'))
    .orderBy(asc(user.createdAt));
  return rows.filter((row) => disabledUntil(row) <= now).map((row) => row.id);
}
