import type { TrackPayload } from '../types';

// Events tracked before the visitor is identified (opt-in: data-hold-anonymous), for this tab session only.
const KEY = '__kla_held';
const MAX_EVENTS = 50;
const MAX_AGE_MS = 30 * 60 * 1000;

interface Held {
  at: number;
  event: TrackPayload;
}

/**
 * The held events are read from the storage on first use, then kept here: sessionStorage is this tab's, only this
 * page writes it while it lives, and each touch costs the page a round trip to the browser process (most pages
 * never hold anything). When the storage is missing or full, this page's memory still serves.
 */
export function createHold(getStorage: () => Storage | undefined, now: () => number) {
  let storage: Storage | undefined;
  let held: Held[] | undefined;
  const read = (): Held[] => {
    try {
      if (!held) {
        // Read once: a storage that throws holds nothing.
        held = [];
        storage = getStorage();
        held = JSON.parse(storage!.getItem(KEY)!) || [];
      }
      // Anything but an array (tampered storage) throws here: nothing held.
      return held!.filter((item) => now() - item.at < MAX_AGE_MS);
    } catch {
      return [];
    }
  };
  const write = (list: Held[]) => {
    held = list;
    try {
      if (list.length) storage!.setItem(KEY, JSON.stringify(list));
      else storage!.removeItem(KEY);
    } catch {
      // Full or missing storage: what it held stays there, and this page's memory serves.
    }
  };
  return {
    add(event: TrackPayload) {
      write(read().concat({ at: now(), event }).slice(-MAX_EVENTS));
    },
    /** The events held, forgotten here (also forgets what expired); opting out takes them to drop them. */
    take(): TrackPayload[] {
      const list = read();
      // Nothing held since the last take: an identified visitor's every event need not touch the storage.
      if (held!.length !== 0) write([]);
      return list.map((item) => item.event);
    },
  };
}
