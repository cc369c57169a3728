// The admin's sign-up settings (one row; no row: the defaults). Read on every sign-up by
// better-auth's rate-limit rule, so kept a few seconds in memory: another instance sees a change
// within that time.
import { eq } from 'drizzle-orm';
import { AUTH_ATTEMPTS_PER_MINUTE } from '../auth/auth-instance.ts';
import type { Database } from '../db/client.ts';
import { accountSettings } from '../db/schema/invitations.ts';

const CACHE_MS = 5_000;

export function createAccountSettings(db: Database) {
  let cached: { value: number; until: number } | null = null;

  async function signupsPerAddressPerMinute() {
    if (cached && cached.until > Date.now()) return cached.value;
    const [row] = await db.select().from(accountSettings).where(eq(accountSettings.id, 1));
    const value = row?.signupsPerAddressPerMinute ?? AUTH_ATTEMPTS_PER_MINUTE;
    cached = { value, until: Date.now() + CACHE_MS };
    return value;
  }

  return {
    signupsPerAddressPerMinute,
    /** null: back to the default. */
    async setSignupsPerAddressPerMinute(value: number | null, actorId: string) {
      await db
        .insert(accountSettings)
        .values({ id: 1, signupsPerAddressPerMinute: value, updatedBy: actorId })
        .onConflictDoUpdate({
          target: accountSettings.id,
          set: { signupsPerAddressPerMinute: value, updatedBy: actorId, updatedAt: new Date() },
        });
      cached = null;
    },
  };
}

export type AccountSettings = ReturnType<typeof createAccountSettings>;
