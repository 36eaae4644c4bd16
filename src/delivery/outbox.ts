import { parseJson } from './storage';
import type { Endpoint, Logger, OutboundRequest } from '../types';

/** One request waiting in the outbox. */
export interface Rec {
  id: string;
  endpoint: Endpoint;
  body: OutboundRequest['body'];
  /** The visitor's profileKey: what may be bulked together. */
  key: string;
  /** The account and API base it is sent under, whichever page sends it; no account yet: its page's is unknown. */
  companyId?: string;
  apiBase: string;
  /** unique_id of a single event. */
  uid?: string;
  tries: number;
  /** Not before this time (ms). */
  at: number;
  /** Sent, and awaiting its answer until this time (ms): meanwhile it is not sent again. */
  lease?: number;
  /** A bulk's body size in bytes, as serialized. */
  bytes?: number;
}

export interface Outbox {
  /**
   * This page's records (held in memory, written through to its own key), after adopting those of pages
   * gone. Edit the list, then `write` it; records are never edited but replaced, so unchanged ones keep
   * their cached serialization.
   */
  read(): Rec[];
  write(list: Rec[]): void;
  /** Takes over the well-formed records of pages gone (released, or silent for 10 s). */
  adopt(): void;
  /** true: the page is going away, its key is for the next page to adopt. false: it came back (bfcache). */
  release(gone: boolean): void;
  /** Drops every page's records: the visitor opted out on this device. */
  clear(): void;
}

// Each page writes only its own key, `__kla_outbox.<page>`: {"alive":<ms, 0 once released>,"records":[…]}.
// localStorage is synced between tab processes asynchronously, so a key two pages rewrote would lose
// whatever the last writer had not seen. Another page's key is only ever removed after its records were
// copied (adopted), and only once its owner is gone. The legacy shared key `__kla_outbox` is adopted too.
const prefix = '__kla_outbox';

/** A random base-36 name: a page's key, a tab's record ids. */
export const randomName = () => Math.random().toString(36).slice(2);

/** A request as the outbox keeps it, not tried yet. */
export const toRecord = (id: string, request: OutboundRequest, apiBase: string, companyId?: string): Rec => ({
  id,
  endpoint: request.endpoint,
  body: request.body,
  key: request.profileKey,
  companyId,
  apiBase,
  uid: request.uniqueId,
  tries: 0,
  at: 0,
});

// storage: undefined = localStorage when it works, null = memory.
export function createOutbox(log: Logger, storage?: Storage | null): Outbox {
  const name = () => `${prefix}.${randomName()}`;
  let own = name();
  // null: in memory (asked for, or storage unusable), where `list` is all there is.
  let store: Storage | null | undefined;
  // What our key holds, as last written (nothing when empty: no key), and when.
  let list: Rec[] = [];
  let wrote = 0;
  let gone = false;
  let scanned = 0;
  // The ids of the records our key holds, as last written: what a page that adopts the key takes over. After a
  // failed write (a full quota), `list` holds more: those stay ours whatever becomes of the key.
  let saved = new Set<string>();
  let failed = 0;
  const json = new WeakMap<Rec, string>();

  // Said once, whatever the cause.
  const unusable = () => failed++ || log.debug('localStorage unavailable: requests kept in memory');
  // Private mode, a disabled or throwing localStorage: keep going in memory.
  const fallBack = () => {
    unusable();
    try {
      store!.removeItem(own);
    } catch {}
    store = null;
  };
  try {
    store = storage === undefined ? window.localStorage || undefined : storage;
  } catch {}
  if (store === undefined) fallBack();

  const serialize = (r: Rec) => {
    let text = json.get(r);
    try {
      if (!text) json.set(r, (text = JSON.stringify(r)));
    } catch {
      // A cyclic or BigInt body would otherwise jam every later write.
      log.error(`dropped ${Object(r).endpoint} request: its body cannot be serialized`);
    }
    return text;
  };

  const write = (records: Rec[]) => {
    for (let i = records.length; i--; ) if (!serialize(records[i])) records.splice(i, 1);
    // At most 500 records.
    const drop = Math.max(0, records.length - 500);
    if (drop) {
      records.splice(0, drop);
      // Always printed: the store owner is losing data and must see it.
      log.error(`outbox full: dropped the ${drop} oldest requests`);
    }
    const parts = records.map(serialize) as string[];
    // Stored: the head of the queue, up to 4 M characters (10,000 events from one busy page come to 2–3 M;
    // Chromium gives an origin about 5.2 M). The rest waits in memory, sent by this page: nothing is dropped
    // for its size.
    let kept = 0;
    for (let size = 1; kept < parts.length && (size += parts[kept].length + 1) <= 4e6; ) kept++;
    wrote = Date.now();
    list = records;
    const alive = gone ? 0 : wrote;
    try {
      // Nothing pending: no key, nothing to adopt, no heartbeat.
      if (store)
        kept
          ? store.setItem(own, `{"alive":${alive},"records":[${parts.slice(0, kept)}]}`)
          : store.removeItem(own);
      saved = new Set(records.slice(0, kept).map((r) => r.id));
    } catch {
      // Over the quota, maybe for a moment: our key keeps the older records, for the next page should this one
      // close, under a fresh heartbeat so that no page adopts them while it lives.
      unusable();
      try {
        const old = store!.getItem(own);
        if (old) store!.setItem(own, old.replace(/\d+/, `${alive}`));
      } catch {}
    }
  };

  // Every page's key (and the legacy one), ours included.
  const keys = () => {
    const found: string[] = [];
    try {
      for (let i = store!.length, k; i--; ) if ((k = store!.key(i)) && k.startsWith(prefix)) found.push(k);
    } catch {}
    return found;
  };

  // Moves into our key the records of every page gone, and `also`'s; orphans go first: they are older.
  const adopt = (also?: string) => {
    const now = Date.now();
    let taken: Rec[] = [];
    let unowned = 0;
    scanned = now;
    try {
      for (const k of keys()) {
        const value = k != own && store!.getItem(k);
        const alive = /^{"alive":(\d+)/.exec(value || '');
        // Silent for 10 s, or "alive" further ahead: written before the clock was set back.
        if (value && (k == also || !alive || Math.abs(now - +alive[1]) > 1e4)) {
          const parsed = parseJson(value);
          const records: Rec[] = [].concat((Array.isArray(parsed) ? parsed : (parsed || {}).records) || []);
          // A record must go to the account it was made for. Those of the earlier format, and those of a page
          // that closed before it knew its account, name none: sent under this page's key they could reach
          // another store sharing the origin, so they are dropped. Our own old key's are ours to stamp.
          const owned = records.filter((r) => k == also || (r && typeof r.companyId == 'string' && typeof r.apiBase == 'string'));
          unowned += records.length - owned.length;
          taken = taken.concat(owned);
          store!.removeItem(k);
        }
      }
    } catch {}
    if (unowned) log.debug(`dropped ${unowned} queued requests with no account (an earlier format, or a page that never knew it)`);
    // A legacy or foreign key may hold anything: no record without an id, an endpoint and a body, and numbers
    // where the schedule needs them (NaN would skip every wait).
    taken = taken
      .filter((r) => r && typeof r.id == 'string' && typeof r.endpoint == 'string' && r.body)
      .map((r) => Object.assign({}, r, { tries: +r.tries || 0, at: +r.at || 0, bytes: undefined }));
    // Under a full quota they may not fit in our key: this page then holds them in memory, and sends them.
    // With `also` (a new key of ours), what this page holds is written to it in any case.
    if (taken.length || also) write(taken.concat(list));
  };

  const release = (on: boolean) => {
    const old = own;
    gone = on;
    // Released: the key stays, marked for the next page to adopt. In memory, there is no key to move.
    if (on || !store) return write(list);
    // Back from the bfcache, or awake again: under a new key, with what is left of the old one, if anything
    // (what another page adopted meanwhile is its to send now), then what the old key never held.
    own = name();
    list = list.filter((r) => !saved.has(r.id));
    saved = new Set();
    adopt(old);
  };

  return {
    read() {
      const now = Date.now();
      // Also when the clock was set back.
      const since = Math.abs(now - wrote);
      try {
        // Our key removed: another tab cleared the outbox (opt-out), or adopted it while we were silent.
        if (store && list.length && store.getItem(own) == null) {
          list = list.filter((r) => !saved.has(r.id));
          saved = new Set();
        }
      } catch {
        fallBack();
      }
      if (!gone && list.length) {
        // Silent for 8 s (frozen, throttled): other pages may be adopting our key. Ours are moved to a new one.
        // Else the heartbeat: other pages leave a key alone while it is fresher than 10 s.
        since > 8e3 ? release(false) : since > 2e3 && write(list);
      }
      if (Math.abs(now - scanned) >= 5e3) adopt();
      return list;
    },
    write,
    adopt,
    release,
    clear() {
      for (const k of keys()) {
        try {
          store!.removeItem(k);
        } catch {}
      }
      list = [];
    },
  };
}
