// What the hot path reads by key (access tokens, limit policies, sealed provider keys), held in
// memory and dropped when the change bus says it changed. Served from memory, an entry must never
// outlive the change that invalidated it, or a revoked token stays valid on some instance.
//
// The danger is a read that overlaps the change: it reads the row before the change commits, the
// change is announced (and the entry dropped), then the read finishes and would store what it read,
// and keep it. So every load runs under a generation: an invalidation of its key, or of everything
// (including the bus's RESYNC after a reconnection), retires the loads in flight, and a retired load
// never stores its result. It still answers the callers that were waiting for it, which asked before
// the change was known; a caller that comes after the invalidation starts a load of its own.
import { type ChangeBus, RESYNC } from './change-bus.ts';

export interface CachedMapOptions<V> {
  /** Reads one entry from where it lives. Must not resolve to undefined (null is a value: "none"). */
  load(key: string): Promise<V>;
  /** Past this many entries, the oldest stored is dropped. */
  maxEntries: number;
  /**
   * An entry is read again after this long even without a notice: a safety net for a notice that
   * never came (a failed NOTIFY). Default: kept until invalidated.
   */
  ttlMs?: number;
}

export interface CachedMap<V> {
  /** The hot path: the entry if it is held and fresh, else undefined. Synchronous, allocates nothing. */
  peek(key: string, now?: number): V | undefined;
  /**
   * The entry: on a hit the value itself (no promise made), on a miss the load's promise. A held
   * null is a hit; only a key not held (or past its ttl) is read. Callers `await` it.
   */
  get(key: string, now?: number): V | Promise<V>;
  /** Reads the entry through the loader, once for every caller asking at the same time. */
  load(key: string): Promise<V>;
  invalidate(key: string): void;
  /**
   * Drops the entries that pass `test`. Loads in flight cannot be tested (their value is not known
   * yet): all of them are retired.
   */
  invalidateWhere(test: (value: V, key: string) => boolean): void;
  invalidateAll(): void;
  /**
   * Follows a change-bus channel: RESYNC drops everything; any other message goes to `onMessage`
   * (default: the message is the key to drop).
   */
  follow(bus: ChangeBus, channel: string, onMessage?: (message: string) => void): void;
  readonly size: number;
}

interface Entry<V> {
  value: V;
  storedAt: number;
}

interface Flight<V> {
  promise: Promise<V>;
  /** False once an invalidation has retired it: its result is answered but never stored. */
  current: boolean;
}

export function createCachedMap<V>(options: CachedMapOptions<V>): CachedMap<V> {
  const { maxEntries, ttlMs } = options;
  const entries = new Map<string, Entry<V>>();
  const flights = new Map<string, Flight<V>>();

  function store(key: string, value: V) {
    // Re-inserted at the end, so the first key is always the oldest stored.
    entries.delete(key);
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, { value, storedAt: ttlMs === undefined ? 0 : Date.now() });
  }

  async function run(key: string, flight: Flight<V>): Promise<V> {
    try {
      const value = await options.load(key);
      if (flight.current) store(key, value);
      return value;
    } finally {
      if (flights.get(key) === flight) flights.delete(key);
    }
  }

  function retire(key: string) {
    const flight = flights.get(key);
    if (!flight) return;
    flight.current = false;
    flights.delete(key);
  }

  function retireAll() {
    for (const flight of flights.values()) flight.current = false;
    flights.clear();
  }

  const map: CachedMap<V> = {
    peek(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (ttlMs !== undefined && (now ?? Date.now()) - entry.storedAt > ttlMs) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },

    get(key, now) {
      // A loader never resolves to undefined: undefined is only ever "not held".
      const value = map.peek(key, now);
      return value === undefined ? map.load(key) : value;
    },

    load(key) {
      const flying = flights.get(key);
      if (flying) return flying.promise;
      // In the map before the loader runs: a loader that throws at once still clears it.
      const flight: Flight<V> = { promise: undefined as unknown as Promise<V>, current: true };
      flights.set(key, flight);
      flight.promise = run(key, flight);
      return flight.promise;
    },

    invalidate(key) {
      entries.delete(key);
      retire(key);
    },

    invalidateWhere(test) {
      for (const [key, entry] of entries) if (test(entry.value, key)) entries.delete(key);
      retireAll();
    },

    invalidateAll() {
      entries.clear();
      retireAll();
    },

    follow(bus, channel, onMessage = (message) => map.invalidate(message)) {
      bus.subscribe(channel, (message) => (message === RESYNC ? map.invalidateAll() : onMessage(message)));
    },

    get size() {
      return entries.size;
    },
  };
  return map;
}
