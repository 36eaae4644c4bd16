import { afterEach, describe, expect, test, vi } from 'vitest';
import { createOutbox, type Rec } from '../src/outbox';
import { mapStorage, spyLog } from './helpers/fake-api';

const key = '__kla_outbox';

const rec = (n: number, properties: Record<string, unknown> = {}): Rec => ({
  id: `t.${n}`,
  endpoint: 'profiles',
  body: { data: { type: 'profile', attributes: { email: `v${n}@example.com`, properties } } },
  key: `v${n}`,
  tries: 0,
  at: 0,
});

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

describe('outbox', () => {
  test('round-trips records through storage', () => {
    const storage = mapStorage();
    const outbox = createOutbox(spyLog(), storage);
    outbox.write([rec(1), rec(2)]);
    expect(JSON.parse(storage.getItem(key)!)).toEqual([rec(1), rec(2)]);
    expect(createOutbox(spyLog(), storage).read()).toEqual([rec(1), rec(2)]);
  });

  test('parses only when storage changed, and sees what another tab wrote', () => {
    const storage = mapStorage();
    const outbox = createOutbox(spyLog(), storage);
    outbox.write([rec(1)]);
    const parse = vi.spyOn(JSON, 'parse');
    expect(outbox.read()).toBe(outbox.read());
    expect(parse).not.toHaveBeenCalled();
    createOutbox(spyLog(), storage).write([rec(1), rec(2)]);
    expect(outbox.read().map((r) => r.id)).toEqual(['t.1', 't.2']);
  });

  test('treats unreadable contents as empty', () => {
    const storage = mapStorage();
    storage.setItem(key, '{not json');
    expect(createOutbox(spyLog(), storage).read()).toEqual([]);
    storage.setItem(key, '{"a":1}');
    expect(createOutbox(spyLog(), storage).read()).toEqual([]);
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

  test('keeps about 2.5 M characters at most, dropping the oldest with an error', () => {
    const log = spyLog();
    const storage = mapStorage();
    const outbox = createOutbox(log, storage);
    const big = { note: 'x'.repeat(25_000) };
    outbox.write(Array.from({ length: 120 }, (_, i) => rec(i, big)));
    expect(storage.getItem(key)!.length).toBeLessThanOrEqual(2.5e6);
    const list = outbox.read();
    expect(list.length).toBeGreaterThan(90);
    expect(list.length).toBeLessThan(120);
    expect(list.at(-1)!.id).toBe('t.119');
    expect(log.error).toHaveBeenCalledTimes(1);
  });

  test('uses localStorage by default', () => {
    const outbox = createOutbox(spyLog());
    outbox.write([rec(1)]);
    expect(JSON.parse(localStorage.getItem(key)!)).toHaveLength(1);
  });

  test('null storage: memory, silently', () => {
    const log = spyLog();
    const outbox = createOutbox(log, null);
    outbox.write([rec(1)]);
    expect(outbox.read()).toHaveLength(1);
    expect(localStorage.getItem(key)).toBeNull();
    expect(log.debug).not.toHaveBeenCalled();
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
    expect(log.debug.mock.calls[0][0]).toMatch(/localStorage unavailable/);
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

  test('clear empties storage', () => {
    const storage = mapStorage();
    const outbox = createOutbox(spyLog(), storage);
    outbox.write([rec(1)]);
    outbox.clear();
    expect(storage.getItem(key)).toBeNull();
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
  } as unknown as Storage;
  const outbox = createOutbox({ debug() {}, warn() {}, error() {} }, storage);
  outbox.write([{ id: 'a', endpoint: 'events', body: { data: {} }, key: 'k', tries: 0, at: 0 }]);
  broken = true;
  expect(outbox.read().map((r) => r.id)).toEqual(['a']);
  expect(outbox.read().map((r) => r.id)).toEqual(['a']);
});
