import type { Endpoint } from '../types';

// Klaviyo's published client limits, [per second, per minute]; the rest share the events/profiles pair.
const limits: Partial<Record<Endpoint, number[]>> = {
  subscriptions: [350, 750],
  'event-bulk-create': [10, 150],
};

export interface Pacer {
  /** Milliseconds before one more request to `endpoint` stays within its limits. */
  wait(endpoint: Endpoint, now: number): number;
  note(endpoint: Endpoint, now: number): void;
}

// A sliding log of the last minute's send times per endpoint: exact, and a page sends few requests.
export function createPacer(): Pacer {
  const sent: Partial<Record<Endpoint, number[]>> = {};
  return {
    wait(endpoint, now) {
      // The last minute's, less any "in the future" (the clock was set back): they would hold requests until
      // it caught up.
      const times = (sent[endpoint] || []).filter((t) => t > now - 6e4 && t <= now);
      sent[endpoint] = times;
      const [burst, steady] = limits[endpoint] || [350, 3500];
      const n = times.length;
      // Until the burst-th (steady-th) latest send is a second (minute) old; no wait while there are fewer.
      return Math.max(0, times[n - burst] + 1e3 - now || 0, times[n - steady] + 6e4 - now || 0);
    },
    note(endpoint, now) {
      sent[endpoint] = (sent[endpoint] || []).concat(now);
    },
  };
}
