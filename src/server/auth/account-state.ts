// Whether an account may act. "Disabled" is better-auth's ban (the admin plugin's `banned`, with
// its optional `banExpires`): every credential of the account (session cookie, access tokens)
// asks this same question, so a disabled account stops everywhere at once.
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { user } from '../db/schema/auth.ts';

interface BanFields {
  banned?: boolean | null;
  banExpires?: Date | string | number | null;
}

/**
 * Until when the account is disabled, in epoch milliseconds: 0 when it is not, Infinity for a
 * ban with no end. A ban whose `banExpires` has passed no longer counts, as in better-auth.
 */
export function disabledUntil(account: BanFields): number {
  if (account.banned !== true) return 0;
  if (account.banExpires === null || account.banExpires === undefined) return Number.POSITIVE_INFINITY;
  const until = new Date(account.banExpires).getTime();
  return Number.isNaN(until) ? Number.POSITIVE_INFINITY : until;
}

export const isDisabled = (account: BanFields, now = Date.now()) => disabledUntil(account) > now;

/** The owner's state for a credential check; null when the account no longer exists. */
export async function readAccountState(db: Database, userId: string): Promise<{ disabledUntil: number } | null> {
  const [row] = await db
    .select({ banned: user.banned, banExpires: user.banExpires })
    .from(user)
    .where(eq(user.id, userId));
  return row ? { disabledUntil: disabledUntil(row) } : null;
}

/** Whether any account exists yet (once one does, one always will: the last admin stays). */
export async function hasAnyAccount(db: Database): Promise<boolean> {
  const rows = await db.select({ id: user.id }).from(user).limit(1);
  return rows.length > 0;
}

/**
 * Whether `email` is the first account's and that account is still an admin: the one password
 * sign-in left open while single sign-on only is on.
 */
export async function isFirstAdmin(db: Database, email: string): Promise<boolean> {
  const [first] = await db
    .select({ email: user.email, role: user.role })
    .from(user)
    .orderBy(asc(user.createdAt), asc(user.id))
    .limit(1);
  return first !== undefined && first.role === 'admin' && first.email.toLowerCase() === email.trim().toLowerCase();
}
