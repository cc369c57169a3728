import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCachedSnapshot } from './cached-snapshot.ts';
import { createLocalBus, RESYNC } from './change-bus.ts';

function fakeLoader<V>() {
  const reads: Array<{ finish(value: V): void; fail(error: Error): void }> = [];
  const load = vi.fn(
    () =>
      new Promise<V>((resolve, reject) => {
        reads.push({ finish: resolve, fail: reject });
      }),
  );
  return { load, reads };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createCachedSnapshot', () => {
  it('answers the initial value until the first read lands, then that one', async () => {
    const { load, reads } = fakeLoader<string>();
    const snapshot = createCachedSnapshot({ load, initial: 'empty' });
    const landed = snapshot.refresh();
    expect(snapshot.current()).toBe('empty');
    reads[0]?.finish('prices v1');
    await landed;
    expect(snapshot.current()).toBe('prices v1');
  });

  it('keeps the old value while a new read runs', async () => {
    const { load, reads } = fakeLoader<string>();
    const snapshot = createCachedSnapshot({ load, initial: 'empty' });
    const first = snapshot.refresh();
    reads[0]?.finish('v1');
    await first;
    const second = snapshot.invalidate();
    expect(snapshot.current()).toBe('v1');
    reads[1]?.finish('v2');
    await second;
    expect(snapshot.current()).toBe('v2');
  });

  it('an older read finishing after a newer one has landed is thrown away', async () => {
    const { load, reads } = fakeLoader<string>();
    const snapshot = createCachedSnapshot({ load, initial: 'empty' });
    // A notice starts a read; the admin's change starts another; the first is the slower.
    const older = snapshot.invalidate();
    const newer = snapshot.invalidate();
    reads[1]?.finish('with the new price');
    await newer;
    reads[0]?.finish('without it');
    await older;
    expect(snapshot.current()).toBe('with the new price');
  });

  it('an older read finishing first lands, and the newer one replaces it', async () => {
    const { load, reads } = fakeLoader<string>();
    const snapshot = createCachedSnapshot({ load, initial: 'empty' });
    const older = snapshot.invalidate();
    const newer = snapshot.invalidate();
    reads[0]?.finish('older');
    await older;
    expect(snapshot.current()).toBe('older');
    reads[1]?.finish('newer');
    await newer;
    expect(snapshot.current()).toBe('newer');
  });

  it('refresh joins the newest read in flight instead of starting another', async () => {
    const { load, reads } = fakeLoader<string>();
    const snapshot = createCachedSnapshot({ load, initial: 'empty' });
    const changed = snapshot.invalidate();
    const joined = snapshot.refresh();
    expect(load).toHaveBeenCalledTimes(1);
    reads[0]?.finish('v1');
    await Promise.all([changed, joined]);
    expect(snapshot.current()).toBe('v1');
    // Nothing in flight: refresh reads.
    const next = snapshot.refresh();
    expect(load).toHaveBeenCalledTimes(2);
    reads[1]?.finish('v2');
    await next;
  });

  it('a failed read keeps the old value and rejects its callers', async () => {
    const { load, reads } = fakeLoader<string>();
    const snapshot = createCachedSnapshot({ load, initial: 'empty' });
    const first = snapshot.refresh();
    reads[0]?.finish('v1');
    await first;
    const failing = snapshot.invalidate();
    reads[1]?.fail(new Error('database down'));
    await expect(failing).rejects.toThrow('database down');
    expect(snapshot.current()).toBe('v1');
  });

  it('reads again in the background when used past maxAgeMs, once at a time', async () => {
    vi.useFakeTimers();
    const { load, reads } = fakeLoader<string>();
    const snapshot = createCachedSnapshot({ load, initial: 'empty', maxAgeMs: 1_000 });
    const first = snapshot.refresh();
    reads[0]?.finish('v1');
    await first;
    vi.advanceTimersByTime(1_000);
    snapshot.current();
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(snapshot.current()).toBe('v1');
    expect(snapshot.current()).toBe('v1');
    expect(load).toHaveBeenCalledTimes(2);
    reads[1]?.finish('v2');
    await vi.waitFor(() => expect(snapshot.current()).toBe('v2'));
  });

  it('reads again on every message of its channel, RESYNC included', async () => {
    const bus = createLocalBus();
    let version = 0;
    const snapshot = createCachedSnapshot({ load: async () => ++version, initial: 0 });
    snapshot.follow(bus, 'prices');
    await bus.publish('prices', 'changed');
    await snapshot.refresh();
    expect(snapshot.current()).toBe(1);
    await bus.publish('prices', RESYNC);
    await snapshot.refresh();
    expect(snapshot.current()).toBe(2);
  });
});
