// When a record may be sent: its lease, its backoff, its endpoint's pace, with a clock that may be set back.
import { backoff, retryAfter } from './backoff';

// The longest wait a failed request is given: Retry-After's cap, above backoff's (3 min).
export const maxWait = 36e5;

/** Milliseconds until `t`, unless it is further ahead than we ever set (`most`): then the clock was set back, and it is over. */
export const until = (t: number, most: number, now: number): number => (t - now > most ? 0 : t - now);

/** When a failed request may be tried again: its backoff, or Retry-After within reason (1 h): a bad header must not park the queue for days. */
export const retryAt = (tries: number, after: string | null | undefined, now: number, random: () => number): number =>
  now + Math.max(backoff(tries, random), Math.min(retryAfter(after, now) || 0, maxWait));
