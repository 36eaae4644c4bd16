import type { Logger } from '../types';

// At most this many calls wait for an answer, in memory: this page only.
const MAX_HELD = 100;

interface Held {
  /** When the call was made: the event's time once it runs. */
  time: number;
  run: () => unknown;
  settle: (result: unknown) => void;
}

/** A source's answer: granted, refused, or none yet (a default before the visitor chose is none). */
export type Answer = boolean | undefined | void;

/** Wraps a source's reading: its answer is signalled; a platform that throws is logged, never thrown to the page. */
export type Reader = <A extends unknown[]>(read: (...args: A) => Answer) => (...args: A) => void;

export type Gate = ReturnType<typeof createGate>;

/**
 * Calls wait in memory until consent is granted, and are discarded when it is refused. `open` runs before the
 * first call goes through (it makes the client), `revoke` when granted consent is withdrawn.
 */
export function createGate(log: Logger, open: () => void, revoke: () => void) {
  // undefined: no answer yet.
  let granted: boolean | undefined;
  const waiting: Held[] = [];
  let replaying: number | undefined;
  /** Runs `run` now when consent is granted, later (with this moment's time) once it is; refused, false. */
  const call = (run: () => unknown): Promise<unknown> =>
    new Promise((settle) => {
      // The executor turns what a call throws into a rejection: nothing reaches the page, the calls after it run.
      if (granted !== undefined) settle(granted && run());
      else if (waiting.push({ time: Date.now(), run, settle }) > MAX_HELD) {
        log.warn('consent: 100 calls held: dropped the oldest');
        const oldest = waiting.shift()!;
        oldest.settle(false);
      }
    });
  return {
    call,
    /** A consent signal: the latest one wins. */
    set(value: boolean, source: string) {
      if (value === granted) return;
      log.debug(`consent ${value} (${source})`);
      // Before anything changes: if the client cannot start, the calls keep waiting.
      if (value) open();
      if (granted) revoke();
      granted = value;
      for (const held of waiting.splice(0)) {
        replaying = held.time;
        held.settle(call(held.run));
      }
      replaying = undefined;
    },
    /** The time of the call running: its own when it was held. */
    now: () => replaying || Date.now(),
  };
}
