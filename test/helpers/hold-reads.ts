// Holds one database read open after its rows have arrived, so a test can change what was read
// (revoke a token, disable an account, change a limit) before the reader gets its answer: the
// race an in-memory cache must survive. It wraps `db.select` of the app's own Drizzle instance,
// which every cache loader shares; nothing in the server knows about it.
import type { Database } from '../../src/server/db/client.ts';

export interface HeldRead {
  /** Resolves once the matching read has its rows and is waiting. */
  reached: Promise<void>;
  /** Hands the rows to the reader (called first, the read is only watched, never held). */
  release(): void;
  /** Resolves once the reader has been handed the rows (its next step runs before the next turn). */
  delivered: Promise<void>;
}

type Thenable = { then(onFulfilled?: (rows: unknown) => unknown, onRejected?: (error: unknown) => unknown): unknown };
type Query = Thenable & { toSQL(): { sql: string } };
type Builder = { from(...args: unknown[]): Query };

/**
 * The next `db.select(…)` whose SQL matches `pattern` (PostgreSQL text, e.g. `from "access_token"`)
 * runs, then waits for release() before its caller sees the rows. Every other read passes. One
 * at a time per database: arm the next once this one has been reached.
 */
export function holdNextRead(db: Database, pattern: RegExp): HeldRead {
  const signal = () => {
    let resolve = () => {};
    const promise = new Promise<void>((done) => {
      resolve = done;
    });
    return { promise, resolve };
  };
  const reached = signal();
  const released = signal();
  const delivered = signal();
  const target = db as unknown as { select: (...args: unknown[]) => Builder };
  const hadOwn = Object.hasOwn(target, 'select');
  const originalSelect = target.select;
  let armed = true;
  const disarm = () => {
    armed = false;
    if (hadOwn) target.select = originalSelect;
    else delete (target as { select?: unknown }).select;
  };

  target.select = function (this: unknown, ...args: unknown[]) {
    const builder = originalSelect.apply(this, args);
    const from = builder.from;
    builder.from = (...fromArgs: unknown[]) => {
      // Drizzle's select builder returns itself from where(), limit(), orderBy(): awaiting any of
      // them calls this one `then`.
      const query = from.apply(builder, fromArgs);
      const then = query.then;
      // biome-ignore lint/suspicious/noThenProperty: the query is Drizzle's thenable; this wraps its own then.
      query.then = (onFulfilled, onRejected) => {
        if (!armed || !pattern.test(query.toSQL().sql)) return then.call(query, onFulfilled, onRejected);
        disarm();
        const rows = new Promise((resolve, reject) => then.call(query, resolve, reject));
        return rows
          .then(async (value) => {
            reached.resolve();
            await released.promise;
            return value;
          })
          .then(onFulfilled, onRejected)
          .finally(delivered.resolve);
      };
      return query;
    };
    return builder;
  };

  return { reached: reached.promise, release: released.resolve, delivered: delivered.promise };
}

/** Lets every pending microtask and I/O callback of this turn run (a reader's step after its read). */
export const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
