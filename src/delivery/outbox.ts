import { randomName, recordsIn, type Rec } from './records';
import type { Logger } from '../types';

export interface Outbox {
  /**
   * This page's records, held in memory and written through to its own key, less those another tab took
   * meanwhile. Edit the list, then `write` it; records are never edited but replaced, so unchanged ones keep
   * their cached serialization.
   */
  read(): Rec[];
  /** Returns the records held: less those that cannot be serialized, and the oldest past 500. */
  write(list: Rec[]): Rec[];
  /**
   * `read`, the outbox kept up first: while records wait, our key kept fresh, so that other pages leave it alone
   * (they adopt keys silent 10 s); the well-formed records of pages gone (released, or silent 10 s) taken over,
   * looking at most every 5 s.
   */
  keep(): Rec[];
  /** The page is going away: its key is marked for the next page to adopt. */
  release(): void;
  /** The page is back (from the bfcache): what it still holds moves to a new key. */
  resume(): void;
  /** Drops every page's records: the visitor opted out on this device. */
  clear(): void;
}

// Each page writes only its own key, `__kla_outbox.<page>`: {"alive":<ms, 0 once released>,"records":[…]}.
// localStorage is synced between tab processes asynchronously, so a key two pages rewrote would lose
// whatever the last writer had not seen. Another page's key is only ever removed after its records were
// copied (adopted), and only once its owner is gone. The legacy shared key `__kla_outbox` is adopted too.
const prefix = '__kla_outbox';
// What our key may hold: 10,000 events from one busy page come to 2–3 M characters; Chromium gives an origin
// about 5.2 M.
const storedChars = 4e6;

// storage: undefined = localStorage when it works, null = memory.
export function createOutbox(log: Logger, storage?: Storage | null): Outbox {
  const name = () => `${prefix}.${randomName()}`;
  let own = name();
  // Storage is opened on first use: a page load that queues nothing need not read it. undefined: not yet;
  // null: in memory (asked for, or storage unusable), where `list` is all there is.
  let store: Storage | null | undefined;
  // What our key holds, as last written (nothing when empty: no key), and when.
  let list: Rec[] = [];
  let wrote = 0;
  let released = false;
  let scanned = 0;
  // The ids of the records our key holds, as last written: what a page that adopts the key takes over. After a
  // failed write (a full quota), or past storedChars, `list` holds more: those stay ours whatever becomes of the key.
  let saved = new Set<string>();
  let said = false;
  const json = new WeakMap<Rec, string>();

  // Said once, whatever the cause.
  const unusable = () => {
    if (!said) log.debug('no localStorage: requests kept in memory');
    said = true;
  };
  // Private mode, a disabled or throwing localStorage: keep going in memory.
  const fallBack = () => {
    unusable();
    try {
      store!.removeItem(own);
    } catch {
      // The storage that failed may fail again: memory it is.
    }
    store = null;
    // What our key held is now in memory only.
    saved = new Set();
  };
  const open = () => {
    if (store !== undefined) return;
    try {
      store = storage === undefined ? window.localStorage || undefined : storage;
    } catch {
      // A throwing getter (sandboxed frames, blocked cookies): no storage.
    }
    if (store === undefined) fallBack();
  };

  const serialize = (r: Rec) => {
    try {
      if (!json.has(r)) json.set(r, JSON.stringify(r));
    } catch {
      // A cyclic or BigInt body would otherwise jam every later write.
      log.error(`dropped ${r.endpoint} request: its body cannot be serialized`);
    }
    return json.get(r);
  };

  const write = (records: Rec[]) => {
    open();
    list = records.filter(serialize);
    const drop = Math.max(0, list.length - 500);
    if (drop) {
      list = list.slice(drop);
      // Always printed: the store owner is losing data and must see it.
      log.error(`outbox full: dropped the ${drop} oldest requests`);
    }
    // Stored: the head of the queue, up to storedChars (the sizes add up: past the first record that does not
    // fit, none does). The rest waits in memory, sent by this page: no record is dropped for its size. In
    // memory, no key holds anything.
    let size = 1;
    const kept = (list.map(serialize) as string[]).filter((part) => {
      size += part.length + 1;
      return store && size <= storedChars;
    });
    wrote = Date.now();
    const alive = released ? 0 : wrote;
    try {
      // Nothing pending: no key, nothing to adopt, no heartbeat.
      if (kept.length) store!.setItem(own, `{"alive":${alive},"records":[${kept}]}`);
      else if (store) store.removeItem(own);
      saved = new Set(list.slice(0, kept.length).map((r) => r.id));
    } catch {
      // Over the quota, maybe for a moment: our key keeps the older records, for the next page should this one
      // close, under a fresh heartbeat so that no page adopts them while it lives.
      unusable();
      try {
        const old = store!.getItem(own);
        if (old) store!.setItem(own, old.replace(/\d+/, `${alive}`));
      } catch {
        // Then the key ages, and is adopted once silent 10 s: its records are sent either way.
      }
    }
    return list;
  };

  // Every page's key (and the legacy one), ours included.
  const keys = (): string[] => {
    try {
      return Array.from({ length: store!.length }, (_, i) => `${store!.key(i)}`).filter((k) => k.startsWith(prefix));
    } catch {
      // No storage, or it failed: no keys.
      return [];
    }
  };

  // Moves into our key the records of every page gone, and `also`'s; orphans go first: they are older.
  const adopt = (also?: string) => {
    let taken: Rec[] = [];
    scanned = Date.now();
    try {
      for (const k of keys()) {
        const value = k == own ? null : store!.getItem(k);
        const alive = /^{"alive":(\d+)/.exec(value || '');
        // Silent for 10 s, or "alive" further ahead: written before the clock was set back.
        if (value && (k == also || !alive || Math.abs(scanned - +alive[1]) > 1e4)) {
          taken = taken.concat(recordsIn(value, k == also, log));
          store!.removeItem(k);
        }
      }
    } catch {
      // Storage failing midway: what was taken is kept; the rest waits for the next look.
    }
    // Under a full quota they may not fit in our key: this page then holds them in memory, and sends them.
    // With `also` (a new key of ours), what this page holds is written to it in any case.
    if (taken.length || also) write(taken.concat(list));
  };

  // What our key held is gone: another page took it (to send it now), or cleared it. What it never held stays.
  const forget = () => {
    list = list.filter((r) => !saved.has(r.id));
    saved = new Set();
  };

  // Our records under a new key, with what is left of the old one, if anything, then what the old key never held.
  const rekey = () => {
    const old = own;
    own = name();
    forget();
    adopt(old);
  };

  // Our key removed: another tab cleared the outbox (opt-out), or adopted it while we were silent.
  const sync = () => {
    open();
    try {
      if (store && list.length && store.getItem(own) == null) forget();
    } catch {
      fallBack();
    }
  };

  return {
    read() {
      sync();
      return list;
    },
    write,
    keep() {
      sync();
      // The heartbeat, while our key holds records; also when the clock was set back.
      const since = Math.abs(Date.now() - wrote);
      if (!released && list.length && since > 2e3) {
        // Silent for 8 s (frozen, throttled): other pages may be adopting our key. Ours move to a new one.
        if (since > 8e3) rekey();
        else write(list);
      }
      if (Math.abs(Date.now() - scanned) >= 5e3) adopt();
      return list;
    },
    release() {
      released = true;
      write(list);
    },
    resume() {
      released = false;
      rekey();
    },
    clear() {
      open();
      for (const k of keys()) {
        try {
          store!.removeItem(k);
        } catch {
          // Gone with the storage: nothing left to clear there.
        }
      }
      list = [];
    },
  };
}
