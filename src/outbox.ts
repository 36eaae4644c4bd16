import type { Endpoint, Logger, OutboundRequest } from './types';

/** One request waiting in the outbox. */
export interface Rec {
  id: string;
  endpoint: Endpoint;
  body: OutboundRequest['body'];
  /** The visitor's profileKey: what may be bulked together. */
  key: string;
  /** unique_id of a single event. */
  uid?: string;
  tries: number;
  /** Not before this time (ms). */
  at: number;
  /** The page sending it, until when: other pages leave it alone meanwhile. */
  lease?: { tab: string; until: number };
}

export interface Outbox {
  /**
   * The shared list, read again from storage (parsed only when it changed). Edit the list, then `write` it;
   * records themselves are never edited but replaced, so unchanged ones keep their cached serialization.
   */
  read(): Rec[];
  write(list: Rec[]): void;
  clear(): void;
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const key = '__kla_outbox';

const memory = (): Store => {
  let value: string | null = null;
  return { getItem: () => value, setItem: (_, v) => (value = v), removeItem: () => (value = null) };
};

// storage: undefined = localStorage when it works, null = memory.
export function createOutbox(log: Logger, storage?: Storage | null): Outbox {
  let store: Store | null | undefined = storage === undefined ? storage : storage || memory();
  let raw: string | null | undefined;
  let list: Rec[] = [];
  const json = new WeakMap<Rec, string>();

  // Private mode, a full quota, a disabled or throwing localStorage: keep going in memory, and say so once.
  const fallBack = (): Store => {
    log.debug('localStorage unavailable: pending requests kept in memory only');
    try {
      store!.removeItem(key);
    } catch {}
    store = memory();
    if (raw) store.setItem(key, raw); // what this page already read stays pending
    return store;
  };
  if (!store) {
    try {
      store = window.localStorage;
    } catch {}
    if (!store) fallBack();
  }

  const serialize = (r: Rec) => {
    let text = json.get(r);
    try {
      if (!text) json.set(r, (text = JSON.stringify(r)));
    } catch {
      // A cyclic or BigInt body would otherwise jam every later write.
      log.error(`dropped ${r.endpoint} request: its body cannot be serialized`);
    }
    return text;
  };

  const write = (records: Rec[]) => {
    for (let i = records.length; i--; ) if (!serialize(records[i])) records.splice(i, 1);
    const parts = records.map(serialize) as string[];
    // At most 500 records and 2.5 M characters: 10,000 events from one busy page are about 1.75 M
    // characters; browsers give an origin about 5 M.
    let size = parts.join().length + 1;
    let drop = 0;
    while (parts.length - drop > 500 || size > 2.5e6) size -= parts[drop++].length + 1;
    if (drop) {
      records.splice(0, drop);
      // Always printed: the store owner is losing data and must see it.
      log.error(`outbox full: dropped the ${drop} oldest pending requests`);
    }
    const value = `[${parts.slice(drop)}]`;
    try {
      store!.setItem(key, value);
    } catch {
      fallBack().setItem(key, value);
    }
    raw = value;
    list = records;
  };

  return {
    read() {
      let value: string | null;
      try {
        value = store!.getItem(key);
      } catch {
        fallBack();
        return list;
      }
      if (value !== raw) {
        raw = value;
        list = [];
        try {
          const parsed = JSON.parse(value!);
          if (Array.isArray(parsed)) list = parsed;
        } catch {}
      }
      return list;
    },
    write,
    clear() {
      try {
        store!.removeItem(key);
      } catch {}
      raw = null;
      list = [];
    },
  };
}
