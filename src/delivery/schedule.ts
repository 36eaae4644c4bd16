// When a record may be sent: its lease, its backoff, its endpoint's pace, with a clock that may be set back.
import { backoff, retryAfter } from './backoff';
import { maxLease } from './size';
import type { Pacer } from './pace';
import type { Rec } from './records';

// The longest wait a failed request is given: Retry-After's cap, above backoff's (3 min).
const maxWait = 36e5;

/** Milliseconds until `t`, unless it is further ahead than we ever set (`most`): then the clock was set back, and it is over. */
export const until = (t: number, most: number, now: number): number => (t - now > most ? 0 : t - now);

/** Sent (here, or by a page gone) and its answer still awaited. */
export const leased = (r: Rec, now: number): boolean => until(r.lease || 0, maxLease, now) > 0;

/** How long `r` must still wait: for the answer to a try in flight elsewhere, its backoff, or its endpoint's pace. */
export const waitFor = (r: Rec, now: number, pacer: Pacer): number =>
  Math.max(until(r.lease || 0, maxLease, now), until(r.at, maxWait, now), pacer.wait(r.endpoint, now));

/** When a failed request may be tried again: its backoff, or Retry-After within reason (1 h): a bad header must not park the queue for days. */
export const retryAt = (tries: number, after: string | null | undefined, now: number, random: () => number): number =>
  now + Math.max(backoff(tries, random), Math.min(retryAfter(after, now) || 0, maxWait));
