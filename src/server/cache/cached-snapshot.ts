// A whole table held in memory (the price book: a few hundred rows) and read synchronously where
// no await is possible (the usage ledger prices each row as it is queued). Unlike a cached map
// there is always a value to answer with: after a change it is read again, and the old one
// serves until the new one lands.
//
// Reads overlap too (a notice from another instance, the admin's own change, a RESYNC), and they
// may finish in any order. Each load takes a ticket when it starts; one that finishes after a
// later-started load has landed is thrown away, so an older read never replaces a newer one.
import type { ChangeBus } from './change-bus.ts';

export interface CachedSnapshotOptions<V> {
  load(): Promise<V>;
  /** What is answered before the first load lands. */
  initial: V;
  /**
   * Read again in the background on use once the last read started this long ago: a safety net
   * for a notice that never came. Default: only on change.
   */
  maxAgeMs?: number;
}

export interface CachedSnapshot<V> {
  /** The newest value landed; synchronous. */
  current(now?: number): V;
  /** The data changed: reads it again now, whatever is in flight. Resolves once that read has landed. */
  invalidate(): Promise<void>;
  /** Resolves once a read started no earlier than the last invalidation has landed (joins one in flight). */
  refresh(): Promise<void>;
  /** Every message on the channel (RESYNC included) reads the data again. */
  follow(bus: ChangeBus, channel: string): void;
}

export function createCachedSnapshot<V>(options: CachedSnapshotOptions<V>): CachedSnapshot<V> {
  const { maxAgeMs } = options;
  let value = options.initial;
  let issued = 0;
  let landed = 0;
  let lastStartedAt = 0;
  let latest: Promise<void> | null = null;

  function start(): Promise<void> {
    const ticket = ++issued;
    lastStartedAt = Date.now();
    const read = (async () => {
      const next = await options.load();
      if (ticket > landed) {
        value = next;
        landed = ticket;
      }
    })();
    latest = read;
    const settle = () => {
      if (latest === read) latest = null;
    };
    read.then(settle, settle);
    return read;
  }

  return {
    current(now) {
      if (maxAgeMs !== undefined && latest === null && (now ?? Date.now()) - lastStartedAt > maxAgeMs) {
        void start().catch(() => {});
      }
      return value;
    },
    invalidate: start,
    refresh: () => latest ?? start(),
    follow(bus, channel) {
      bus.subscribe(channel, () => void start().catch(() => {}));
    },
  };
}
