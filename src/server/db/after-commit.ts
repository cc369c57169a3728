// A transaction shared by several modules' writes, each of which announces its change on the
// change bus: an announcement made before the commit lets another instance reload the old row
// and keep it (its cache's generation guard has nothing left to catch), and one made for a
// transaction that then rolls back drops caches for a change that never happened. So inside a
// shared transaction a module queues its announcements, and they go out once it has committed.
import type { Database } from './client.ts';

/** A caller's transaction, handed to another module's write operations. */
export interface CommitScope {
  /** Where the operation reads and writes (on PGlite, a query outside it waits for it forever). */
  tx: Database;
  /** Runs once the transaction has committed, in the order queued; dropped if it rolls back. */
  afterCommit(effect: () => Promise<void>): void;
}

/**
 * Runs `work` in one transaction, then what it queued with `afterCommit`. Resolves after those
 * effects ran; a rolled-back transaction rejects and runs none.
 */
export async function inTransaction<T>(db: Database, work: (scope: CommitScope) => Promise<T>): Promise<T> {
  const effects: Array<() => Promise<void>> = [];
  const result = await db.transaction((tx) =>
    work({
      tx,
      afterCommit: (effect) => {
        effects.push(effect);
      },
    }),
  );
  for (const effect of effects) await effect();
  return result;
}
