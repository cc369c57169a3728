// Accounts as the admin sees them. The user table belongs to better-auth; this module reads it and
// changes role and ban state, and creates accounts through better-auth (so passwords are hashed
// its way).
import { asc, eq } from 'drizzle-orm';
import type { Auth } from '../auth/auth-instance.ts';
import type { Database } from '../db/client.ts';
import { session, user } from '../db/schema/index.ts';
import { AppError, commonErrors } from '../errors.ts';

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
    disabled: row.banned === true,
    createdAt: row.createdAt.toISOString(),
    personalKeys,
  };
}

export function createUserService(options: {
  db: Database;
  auth: Auth;
  personalProvidersByOwner: () => Promise<Map<string, string[]>>;
}) {
  const { db, auth, personalProvidersByOwner } = options;

  async function findRow(id: string) {
    const [row] = await db.select().from(user).where(eq(user.id, id));
    return row;
  }

  async function viewOf(row: UserRow) {
    return toView(row, (await personalProvidersByOwner()).get(row.id) ?? []);
  }

  return {
    async list(): Promise<AdminUserView[]> {
      const [rows, keys] = await Promise.all([
        db.select().from(user).orderBy(asc(user.createdAt)),
        personalProvidersByOwner(),
      ]);
      return rows.map((row) => toView(row, keys.get(row.id) ?? []));
    },

    async create(input: { name: string; email: string; password: string; role?: 'admin' | 'user' }) {
      const email = input.email.toLowerCase();
      const [existing] = await db.select({ id: user.id }).from(user).where(eq(user.email, email));
      if (existing) throw new AppError(409, 'email_taken', 'An account with this email already exists.');
      const created = await auth.api.createUser({
        body: { name: input.name, email, password: input.password, role: input.role ?? 'user' },
      });
      const row = await findRow(created.user.id);
      if (!row) throw new Error('created user not found');
      return viewOf(row);
    },

    async update(actorId: string, id: string, change: { role?: 'admin' | 'user'; disabled?: boolean }) {
      const row = await findRow(id);
      if (!row) throw commonErrors.notFound('The user');
      if (id === actorId && (change.role === 'user' || change.disabled === true)) {
        // An admin locking themselves out could leave the instance without any admin.
        throw new AppError(400, 'cannot_change_self', 'You cannot demote or disable your own account.');
      }
      const [updated] = await db
        .update(user)
        .set({
          ...(change.role ? { role: change.role } : {}),
          ...(change.disabled === undefined
            ? {}
            : { banned: change.disabled, banReason: change.disabled ? 'Disabled by an administrator' : null }),
        })
        .where(eq(user.id, id))
        .returning();
      // A disabled account is signed out everywhere at once.
      if (change.disabled) await db.delete(session).where(eq(session.userId, id));
      if (!updated) throw commonErrors.notFound('The user');
      return viewOf(updated);
    },
  };
}

/** `webox user promote EMAIL`. Returns false when no account has that email. */
export async function promoteUserByEmail(db: Database, email: string): Promise<boolean> {
  const updated = await db
    .update(user)
    .set({ role: 'admin' })
    .where(eq(user.email, email.trim().toLowerCase()))
    .returning({ id: user.id });
  return updated.length > 0;
}

export type UserService = ReturnType<typeof createUserService>;
