// The admin's sign-up settings (one row; no row: the defaults): whether anyone may sign up (else
// WEBOX_SIGNUP decides) and the per-address sign-up limit. Read on every sign-up by better-auth's
// rate-limit rule and its account hook, so kept a few seconds in memory: another instance sees a
// change within that time, this one at once.
import { eq } from 'drizzle-orm';
import { AUTH_ATTEMPTS_PER_MINUTE } from '../auth/auth-instance.ts';
import type { Database } from '../db/client.ts';
import { accountSettings } from '../db/schema/invitations.ts';

const CACHE_MS = 5_000;

export type SignupMode = 'open' | 'closed';

interface Settings {
  signupsPerAddressPerMinute: number;
  signup: SignupMode;
}

export function createAccountSettings(db: Database, options: { defaultSignup: SignupMode }) {
  let cached: { value: Settings; until: number } | null = null;

  async function read(): Promise<Settings> {
    if (cached && cached.until > Date.now()) return cached.value;
    const [row] = await db.select().from(accountSettings).where(eq(accountSettings.id, 1));
    const value = {
      signupsPerAddressPerMinute: row?.signupsPerAddressPerMinute ?? AUTH_ATTEMPTS_PER_MINUTE,
      signup: row?.signup ?? options.defaultSignup,
    };
    cached = { value, until: Date.now() + CACHE_MS };
    return value;
  }

  async function write(change: { signupsPerAddressPerMinute?: number | null; signup?: SignupMode }, actorId: string) {
    await db
      .insert(accountSettings)
      .values({ id: 1, ...change, updatedBy: actorId })
      .onConflictDoUpdate({
        target: accountSettings.id,
        set: { ...change, updatedBy: actorId, updatedAt: new Date() },
      });
    cached = null;
  }

  return {
    signupsPerAddressPerMinute: async () => (await read()).signupsPerAddressPerMinute,
    /** Whether anyone who reaches WeBox may make an account (the admin's choice, else WEBOX_SIGNUP). */
    signupOpen: async () => (await read()).signup === 'open',
    signup: async () => (await read()).signup,
    /** null: back to the default. */
    setSignupsPerAddressPerMinute: (value: number | null, actorId: string) =>
      write({ signupsPerAddressPerMinute: value }, actorId),
    /** Fields left out keep their value; `signupsPerAddressPerMinute: null` goes back to the default. */
    update: write,
  };
}

export type AccountSettings = ReturnType<typeof createAccountSettings>;
