// The accounts' invariants — the first account is the one admin it makes, and some active admin
// always remains — are decided under one lock: an in-process queue (so an instance never ties up
// more than one pooled connection waiting), then PostgreSQL's advisory lock, which every instance
// sharing the database takes (PGlite has a single process, and its transactions already exclude
// every other statement).

import { runWithAdapter } from '@better-auth/core/context';
import { drizzleAdapter } from '@better-auth/drizzle-adapter';
import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from '../db/client.ts';
// better-auth's adapter is given its own tables only.
import * as schema from '../db/schema/auth.ts';
import type { Auth } from './auth-instance.ts';

/** Arbitrary constant, distinct from the migrations' lock. */
const ACCOUNTS_LOCK_ID = 7_201_055_2;

type InternalAdapter = Awaited<Auth['$context']>['internalAdapter'];

export interface AccountsTransaction {
  tx: Database;
  /** better-auth's internal adapter; inside `transaction` it writes in `tx`. */
  internalAdapter: InternalAdapter;
}

export function createAccountsLock(options: { database: DatabaseHandle; auth: Auth }) {
  const { database, auth } = options;
  let queue: Promise<unknown> = Promise.resolve();

  function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = queue.then(work, work);
    queue = result.catch(() => {});
    return result;
  }

  const lock = (tx: Database) => tx.execute(sql`select pg_advisory_xact_lock(${ACCOUNTS_LOCK_ID})`);

  return {
    /**
     * Runs `work` (which writes through the usual connections, e.g. better-auth's own handler)
     * while holding the lock; its writes commit before the lock is released.
     */
    around<T>(work: () => Promise<T>): Promise<T> {
      return inTurn(async () => {
        if (database.kind !== 'postgres') return work();
        // On PostgreSQL the lock lives in a transaction of its own, on a connection of its own;
        // on PGlite an open transaction would block `work`'s statements.
        return database.db.transaction(async (tx) => {
          await lock(tx);
          return work();
        });
      });
    },

    /**
     * Runs `work` in one transaction that holds the lock: what it reads is what it decides on, and
     * what it changes (better-auth's internal adapter included) commits or rolls back together.
     * better-auth's database hooks run inside it too: one that queried through the app's `db`
     * instead of better-auth's adapter would wait forever on PGlite, whose transaction holds it.
     */
    transaction<T>(work: (scope: AccountsTransaction) => Promise<T>): Promise<T> {
      return inTurn(async () => {
        const context = await auth.$context;
        return database.db.transaction(async (tx) => {
          await lock(tx);
          // better-auth reads its adapter from async context: bind one to this transaction.
          const adapter = drizzleAdapter(tx, { provider: 'pg', schema })(context.options);
          return runWithAdapter(adapter, () => work({ tx, internalAdapter: context.internalAdapter }));
        });
      });
    },
  };
}

export type AccountsLock = ReturnType<typeof createAccountsLock>;
