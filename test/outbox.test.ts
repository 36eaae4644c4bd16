import { afterEach, describe, expect, test, vi } from 'vitest';
import { createOutbox } from '../src/delivery/outbox';
import type { Rec } from '../src/delivery/records';
import { mapStorage, spyLog } from './helpers/fake-api';

const key = '__kla_outbox';
// This page's key and what it holds (the only outbox key in `storage` in these tests).
const own = (storage: Storage) => {
  const k = Array.from({ length: storage.length }, (_, i) => storage.key(i)!).find((k) => k.startsWith(key))!;
  return { k, value: k ? JSON.parse(storage.getItem(k)!) : undefined };
};

const rec = (n: number, properties: Record<string, unknown> = {}): Rec => ({
  id: `t.${n}`,
  endpoint: 'profiles',
  body: { data: { type: 'profile', attributes: { email: `v${n}@example.com`, properties } } },
  key: `v${n}`,
  companyId: 'AbC123',
  apiBase: 'https://a.klaviyo.com',
  tries: 0,
  at: 0,
});

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

describe('outbox', () => {
  test('writes its own key, {alive, records}, and no key when empty', () => {
    const storage = mapStorage();
    const outbox = createOutbox(spyLog(), storage);
    outbox.write([rec(1), rec(2)]);
    const { k, value } = own(storage);
    expect(k).toMatch(/^__kla_outbox\.[a-z0-9]+$/);
    expect(value).toEqual({ alive: expect.any(Number), records: [rec(1), rec(2)] });
    expect(Date.now() - value.alive).toBeLessThan(1000);
    outbox.write([]);
    expect(storage.length).toBe(0);
  });

  test('reads from memory, never parsing its own key again; leaves a live page alone', () => {
    const storage = mapStorage();
    const outbox = createOutbox(spyLog(), storage);
    outbox.write([rec(1)]);
    const parse = vi.spyOn(JSON, 'parse');
    expect(outbox.read()).toBe(outbox.read());
    expect(parse).not.toHaveBeenCalled();
    const other = createOutbox(spyLog(), storage);
    expect(other.read()).toEqual([]);
    other.write([rec(2)]);
    expect(outbox.read().map((r) => r.id)).toEqual(['t.1']);
    expect(storage.length).toBe(2);
  });

  test('adopts a released key at once, a silent one after 10 s, and the legacy key; orphans first', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const storage = mapStorage();
      const gone = createOutbox(spyLog(), storage);
      gone.write([rec(1)]);
      gone.release();
      const silent = createOutbox(spyLog(), storage);
      silent.write([rec(2)]);
      storage.setItem(key, JSON.stringify([rec(3)]));
      const outbox = createOutbox(spyLog(), storage);
      outbox.write([rec(4)]);
      outbox.keep();
      expect(outbox.read().map((r) => r.id).sort()).toEqual(['t.1', 't.3', 't.4']);
      // This page lives on (a tick every 2.5 s), the silent one does not: 10,004 ms on.
      for (let i = 0; i < 4; i++) {
        vi.advanceTimersByTime(2_501);
        outbox.keep();
      }
      expect(outbox.read().map((r) => r.id)[0]).toBe('t.2');
      expect(outbox.read().map((r) => r.id).sort()).toEqual(['t.1', 't.2', 't.3', 't.4']);
      expect(storage.length).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  test('adopts unreadable contents as empty, removing them', () => {
    const storage = mapStorage();
    storage.setItem(key, '{not json');
    storage.setItem(`${key}.x`, '{"a":1}');
    const outbox = createOutbox(spyLog(), storage);
    outbox.keep();
    expect(outbox.read()).toEqual([]);
    expect(storage.length).toBe(0);
  });

  test('back from the bfcache: under a new key with what was left, or with nothing if adopted meanwhile', () => {
    const storage = mapStorage();
    const outbox = createOutbox(spyLog(), storage);
    outbox.write([rec(1)]);
    const first = own(storage).k;
    outbox.release();
    expect(own(storage).value.alive).toBe(0);
    outbox.resume();
    expect(own(storage).k).not.toBe(first);
    expect(own(storage).value.alive).toBeGreaterThan(0);
    expect(outbox.read().map((r) => r.id)).toEqual(['t.1']);
    outbox.release();
    const next = createOutbox(spyLog(), storage);
    next.keep();
    expect(next.read().map((r) => r.id)).toEqual(['t.1']);
    outbox.resume();
    expect(outbox.read()).toEqual([]);
  });

  test('its key removed by another tab (clear): drops its records', () => {
    const storage = mapStorage();
    const outbox = createOutbox(spyLog(), storage);
    outbox.write([rec(1)]);
    createOutbox(spyLog(), storage).clear();
    expect(outbox.read()).toEqual([]);
  });

  test('keeps at most 500 records, dropping the oldest with an error', () => {
    const log = spyLog();
    const outbox = createOutbox(log, mapStorage());
    outbox.write(Array.from({ length: 503 }, (_, i) => rec(i)));
    const list = outbox.read();
    expect(list).toHaveLength(500);
    expect(list[0].id).toBe('t.3');
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0][0]).toMatch(/outbox full: dropped the 3 oldest/);
  });

  test('stores the head of the queue up to 4 M characters; the rest waits in memory, none dropped', () => {
    const log = spyLog();
    const storage = mapStorage();
    const outbox = createOutbox(log, storage);
    const big = { note: 'x'.repeat(40_000) };
    outbox.write(Array.from({ length: 120 }, (_, i) => rec(i, big)));
    const stored = JSON.parse(storage.getItem(own(storage).k)!).records;
    expect(storage.getItem(own(storage).k)!.length).toBeLessThanOrEqual(4e6 + 40);
    expect(stored.length).toBeGreaterThan(90);
    expect(stored.length).toBeLessThan(120);
    expect(stored[0].id).toBe('t.0');
    expect(outbox.read()).toHaveLength(120);
    expect(log.error).not.toHaveBeenCalled();
  });

  test('uses localStorage by default', () => {
    const outbox = createOutbox(spyLog());
    outbox.write([rec(1)]);
    expect(own(localStorage).value.records).toHaveLength(1);
  });

  test('null storage: memory, silently', () => {
    const log = spyLog();
    const outbox = createOutbox(log, null);
    outbox.write([rec(1)]);
    expect(outbox.read()).toHaveLength(1);
    expect(localStorage.length).toBe(0);
    expect(log.debug).not.toHaveBeenCalled();
  });

  test('in memory, a page silent 9 s (frozen, throttled) keeps its records: no key, so nothing to move', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // Asked for, or after storage failed (a throwing getItem) once the key held the record.
      const failing = mapStorage();
      for (const storage of [null, failing]) {
        const outbox = createOutbox(spyLog(), storage);
        outbox.write([rec(1)]);
        failing.getItem = () => {
          throw new Error('gone');
        };
        outbox.keep();
        vi.advanceTimersByTime(9_000);
        expect(outbox.keep().map((r) => r.id)).toEqual(['t.1']);
        outbox.release();
        outbox.resume();
        expect(outbox.read().map((r) => r.id)).toEqual(['t.1']);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  test('a throwing localStorage getter: memory, and one debug line', () => {
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const log = spyLog();
    const outbox = createOutbox(log);
    outbox.write([rec(1)]);
    outbox.write([rec(1), rec(2)]);
    expect(outbox.read()).toHaveLength(2);
    expect(log.debug).toHaveBeenCalledTimes(1);
    expect(log.debug.mock.calls[0][0]).toMatch(/no localStorage/);
  });

  test('a full or throwing setItem: memory, records kept, one debug line', () => {
    const storage = mapStorage();
    storage.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    const log = spyLog();
    const outbox = createOutbox(log, storage);
    expect(() => outbox.write([rec(1)])).not.toThrow();
    outbox.write([rec(1), rec(2)]);
    expect(outbox.read().map((r) => r.id)).toEqual(['t.1', 't.2']);
    expect(log.debug).toHaveBeenCalledTimes(1);
  });

  test('a throwing getItem: memory, with what was last read', () => {
    const storage = mapStorage();
    const log = spyLog();
    const outbox = createOutbox(log, storage);
    outbox.write([rec(1)]);
    storage.getItem = () => {
      throw new Error('gone');
    };
    expect(outbox.read()).toHaveLength(1);
    outbox.write([rec(1), rec(2)]);
    expect(outbox.read()).toHaveLength(2);
    expect(log.debug).toHaveBeenCalledTimes(1);
  });

  test('drops, with an error, a record that cannot be serialized instead of jamming', () => {
    const log = spyLog();
    const outbox = createOutbox(log, mapStorage());
    outbox.write([rec(1), rec(2, { big: BigInt(1) }), rec(3)]);
    expect(outbox.read().map((r) => r.id)).toEqual(['t.1', 't.3']);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0][0]).toMatch(/cannot be serialized/);
  });

  test('clear empties storage of every outbox key, its own and other pages\'', () => {
    const storage = mapStorage();
    const outbox = createOutbox(spyLog(), storage);
    outbox.write([rec(1)]);
    createOutbox(spyLog(), storage).write([rec(2)]);
    storage.setItem('other', 'x');
    outbox.clear();
    expect(storage.length).toBe(1);
    expect(outbox.read()).toEqual([]);
  });
});

test('a storage that starts throwing keeps what was already read, in memory', () => {
  let broken = false;
  const backing = new Map<string, string>();
  const storage = {
    getItem: (k: string) => {
      if (broken) throw new Error('SecurityError');
      return backing.get(k) ?? null;
    },
    setItem: (k: string, v: string) => void backing.set(k, v),
    removeItem: (k: string) => void backing.delete(k),
    key: (i: number) => [...backing.keys()][i],
    get length() {
      return backing.size;
    },
  } as unknown as Storage;
  const outbox = createOutbox({ debug() {}, warn() {}, error() {} }, storage);
  outbox.write([{ id: 'a', endpoint: 'events', body: { data: {} }, key: 'k', companyId: 'AbC123', apiBase: 'https://a.klaviyo.com', tries: 0, at: 0 }]);
  broken = true;
  expect(outbox.read().map((r) => r.id)).toEqual(['a']);
  expect(outbox.read().map((r) => r.id)).toEqual(['a']);
});
