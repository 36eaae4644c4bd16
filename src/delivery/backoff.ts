// Retry timing for the outbox: how long a failed request waits before its next try.

export const maxTries = 50;

/**
 * Full jitter: a uniform wait below an exponential ceiling (1 s, 2 s, 4 s … capped at 3 min), so pages
 * that failed together do not retry together.
 */
export const backoff = (tries: number, random: () => number): number => random() * Math.min(18e4, 500 * 2 ** tries);

/** A Retry-After header (delta-seconds or HTTP date) as milliseconds from `now`: NaN when unreadable, 0 when none. */
export const retryAfter = (value: string | null | undefined, now: number): number =>
  isNaN(+value!) ? Date.parse(value!) - now : +value! * 1e3;
