import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCachedMap } from './cached-map.ts';
import { createLocalBus, RESYNC } from './change-bus.ts';

/** A loader whose reads the test finishes by hand, in any order. */
function fakeLoader<V>() {
  const reads: Array<{ key: string; finish(value: V): void; fail(error: Error): void }> = [];
  const load = vi.fn(
    (key: string) =>
      new Promise<V>((resolve, reject) => {
        reads.push({ key, finish: resolve, fail: reject });
      }),
  );
  return { load, reads };
}

/** A loader answering at once from a table the test edits. */
function tableLoader(table: Record<string, string | null>) {
  return vi.fn(async (key: string) => table[key] ?? null);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createCachedMap', () => {
  it('loads an entry once, then answers it from memory synchronously', async () => {
    const load = tableLoader({ a: 'one' });
    const cache = createCachedMap({ load, maxEntries: 10 });
    expect(cache.peek('a')).toBeUndefined();
    expect(await cache.load('a')).toBe('one');
    expect(cache.peek('a')).toBe('one');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps null as a value: "none" is cached like anything else', async () => {
    const load = tableLoader({});
    const cache = createCachedMap({ load, maxEntries: 10 });
    expect(await cache.load('missing')).toBeNull();
    expect(cache.peek('missing')).toBeNull();
  });

  it('get reads a key once, then answers from memory; a held null is a hit, not read again', async () => {
    const load = tableLoader({ a: 'one' });
    const cache = createCachedMap({ load, maxEntries: 10 });
    expect(await cache.get('a')).toBe('one');
    expect(cache.get('a')).toBe('one');
    expect(await cache.get('missing')).toBeNull();
    // Synchronous on a hit, the null included: no promise, no load.
    expect(cache.get('missing')).toBeNull();
    expect(cache.get('missing')).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
    expect(load.mock.calls.map(([key]) => key)).toEqual(['a', 'missing']);
    // Dropped, the null is read again, once.
    cache.invalidate('missing');
    expect(await cache.get('missing')).toBeNull();
    expect(await cache.get('missing')).toBeNull();
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('get reads an entry again once its ttl has passed', async () => {
    const load = tableLoader({});
    const cache = createCachedMap({ load, maxEntries: 10, ttlMs: 1_000 });
    const start = Date.now();
    expect(await cache.get('missing', start)).toBeNull();
    expect(cache.get('missing', start + 1_000)).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
    expect(await cache.get('missing', start + 5_000)).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one read between callers asking at the same time', async () => {
    const { load, reads } = fakeLoader<string>();
    const cache = createCachedMap({ load, maxEntries: 10 });
    const first = cache.load('a');
    const second = cache.load('a');
    expect(load).toHaveBeenCalledTimes(1);
    reads[0]?.finish('one');
    expect(await first).toBe('one');
    expect(await second).toBe('one');
    expect(cache.peek('a')).toBe('one');
  });

  it('does not store a read that an invalidation of its key overtook, but still answers it', async () => {
    const { load, reads } = fakeLoader<string>();
    const cache = createCachedMap({ load, maxEntries: 10 });
    const during = cache.load('token');
    cache.invalidate('token');
    reads[0]?.finish('valid');
    expect(await during).toBe('valid');
    expect(cache.peek('token')).toBeUndefined();
  });

  it('a caller after the invalidation does not join the retired read: it reads again', async () => {
    const { load, reads } = fakeLoader<string>();
    const cache = createCachedMap({ load, maxEntries: 10 });
    const before = cache.load('token');
    cache.invalidate('token');
    const after = cache.load('token');
    expect(load).toHaveBeenCalledTimes(2);
    // The new read finishes first, the old one last: the old one must not overwrite it.
    reads[1]?.finish('revoked');
    expect(await after).toBe('revoked');
    reads[0]?.finish('valid');
    expect(await before).toBe('valid');
    expect(cache.peek('token')).toBe('revoked');
  });

  it('an invalidation of another key leaves a read in flight alone', async () => {
    const { load, reads } = fakeLoader<string>();
    const cache = createCachedMap({ load, maxEntries: 10 });
    const during = cache.load('a');
    cache.invalidate('b');
    reads[0]?.finish('one');
    await during;
    expect(cache.peek('a')).toBe('one');
  });

  it('invalidateAll and invalidateWhere retire every read in flight', async () => {
    const { load, reads } = fakeLoader<{ owner: string }>();
    const cache = createCachedMap({ load, maxEntries: 10 });
    const first = cache.load('a');
    cache.invalidateAll();
    reads[0]?.finish({ owner: 'alice' });
    await first;
    expect(cache.peek('a')).toBeUndefined();

    const second = cache.load('b');
    // The value is not known yet, so it cannot be tested: it is retired whoever it belongs to.
    cache.invalidateWhere((value) => value.owner === 'bob');
    reads[1]?.finish({ owner: 'alice' });
    await second;
    expect(cache.peek('b')).toBeUndefined();
  });

  it('invalidateWhere drops the stored entries that match and keeps the others', async () => {
    const owners: Record<string, string> = { a: 'alice', b: 'bob', c: 'alice' };
    const cache = createCachedMap({ load: async (key) => ({ owner: owners[key] }), maxEntries: 10 });
    for (const key of ['a', 'b', 'c']) await cache.load(key);
    cache.invalidateWhere((value) => value.owner === 'alice');
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.peek('c')).toBeUndefined();
    expect(cache.peek('b')).toEqual({ owner: 'bob' });
  });

  it('a failed read is not stored, is shared by its callers, and the next caller reads again', async () => {
    const { load, reads } = fakeLoader<string>();
    const cache = createCachedMap({ load, maxEntries: 10 });
    const first = cache.load('a');
    const second = cache.load('a');
    reads[0]?.fail(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await expect(second).rejects.toThrow('database down');
    expect(cache.peek('a')).toBeUndefined();
    const third = cache.load('a');
    expect(load).toHaveBeenCalledTimes(2);
    reads[1]?.finish('one');
    expect(await third).toBe('one');
  });

  it('a loader that throws before its first await does not leave a read behind', async () => {
    let calls = 0;
    const cache = createCachedMap<string>({
      load: (key) => {
        calls++;
        if (calls === 1) throw new Error('bad key');
        return Promise.resolve(key);
      },
      maxEntries: 10,
    });
    await expect(cache.load('a')).rejects.toThrow('bad key');
    expect(await cache.load('a')).toBe('a');
  });

  it('reads an entry again once it is older than the TTL', async () => {
    vi.useFakeTimers();
    const table: Record<string, string> = { a: 'one' };
    const cache = createCachedMap({ load: tableLoader(table), maxEntries: 10, ttlMs: 1_000 });
    await cache.load('a');
    table.a = 'two';
    vi.advanceTimersByTime(1_000);
    expect(cache.peek('a')).toBe('one');
    vi.advanceTimersByTime(1);
    expect(cache.peek('a')).toBeUndefined();
    expect(await cache.load('a')).toBe('two');
    // The caller's clock may be given, to spare a second Date.now() on the hot path.
    expect(cache.peek('a', Date.now() + 5_000)).toBeUndefined();
  });

  it('drops the oldest entry past maxEntries', async () => {
    const cache = createCachedMap({ load: async (key: string) => key.toUpperCase(), maxEntries: 2 });
    await cache.load('a');
    await cache.load('b');
    await cache.load('c');
    expect(cache.size).toBe(2);
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.peek('b')).toBe('B');
    expect(cache.peek('c')).toBe('C');
  });

  describe('on the change bus', () => {
    it('drops the key each message names, and everything on RESYNC, reads in flight included', async () => {
      const bus = createLocalBus();
      const { load, reads } = fakeLoader<string>();
      const cache = createCachedMap({ load, maxEntries: 10 });
      cache.follow(bus, 'tokens');

      const a = cache.load('a');
      reads[0]?.finish('one');
      await a;
      await bus.publish('tokens', 'a');
      expect(cache.peek('a')).toBeUndefined();

      const b = cache.load('b');
      const c = cache.load('c');
      reads[1]?.finish('two');
      await b;
      // A reconnection: notices may have been missed, nothing read before it is kept.
      await bus.publish('tokens', RESYNC);
      reads[2]?.finish('three');
      await c;
      expect(cache.size).toBe(0);
    });

    it('passes other messages to the handler given, and RESYNC still drops everything', async () => {
      const bus = createLocalBus();
      const cache = createCachedMap({ load: async (key: string) => ({ owner: key.split(':')[0] }), maxEntries: 10 });
      cache.follow(bus, 'account', (owner) => cache.invalidateWhere((value) => value.owner === owner));
      for (const key of ['alice:1', 'alice:2', 'bob:1']) await cache.load(key);
      await bus.publish('account', 'alice');
      expect(cache.size).toBe(1);
      expect(cache.peek('bob:1')).toEqual({ owner: 'bob' });
      await bus.publish('account', RESYNC);
      expect(cache.size).toBe(0);
    });
  });
});
