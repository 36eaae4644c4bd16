import type { TrackPayload } from '../types';

// Events tracked before the visitor is identified (opt-in: data-hold-anonymous), for this tab session only.
const KEY = '__kla_held';
const MAX_EVENTS = 50;
const MAX_AGE_MS = 30 * 60 * 1000;

interface Held {
  at: number;
  event: TrackPayload;
}

// The storage is probed on first use: touching sessionStorage costs the page a round trip to the browser
// process, and most pages never hold anything.
export function createHold(getStorage: () => Storage | undefined, now: () => number) {
  let memory: Held[] = [];
  let storage: Storage | undefined | null = null;
  // The last write failed (a full quota): memory holds more than the storage.
  let unsaved = false;
  // Taken, and nothing held since: an identified visitor's every event need not read the storage again
  // (sessionStorage is this tab's; only this page writes it while it lives).
  let empty = false;
  const store = () => {
    if (storage === null) storage = getStorage();
    return storage;
  };

  const read = (): Held[] => {
    try {
      // Anything but an array (tampered storage) throws here: nothing held.
      return (store() && !unsaved ? JSON.parse(storage!.getItem(KEY) || '[]') : memory).filter((held: Held) => now() - held.at < MAX_AGE_MS);
    } catch {
      return [];
    }
  };
  const write = (list: Held[]) => {
    memory = list;
    try {
      if (store() && list.length) storage!.setItem(KEY, JSON.stringify(list));
      else if (store()) storage!.removeItem(KEY);
      unsaved = false;
    } catch {
      // Full or disabled storage: the memory copy serves this page (the storage keeps what it held).
      unsaved = true;
    }
  };
  return {
    add(event: TrackPayload) {
      empty = false;
      write(read().concat({ at: now(), event }).slice(-MAX_EVENTS));
    },
    /** The events held, forgotten here (also forgets what expired); opting out takes them to drop them. */
    take(): TrackPayload[] {
      if (empty) return [];
      const list = read();
      write([]);
      empty = true;
      return list.map((held) => held.event);
    },
  };
}
