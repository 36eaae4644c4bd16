// Klaviyo's published rate limits for the client endpoints (x-klaviyo-ratelimit in the spec):
// `burst` requests per second and `steady` requests per minute, counted per public key and endpoint.
export const defaultLimits = {
  events: { burst: 350, steady: 3500 },
  profiles: { burst: 350, steady: 3500 },
  subscriptions: { burst: 350, steady: 750 },
  'back-in-stock-subscriptions': { burst: 350, steady: 3500 },
  'event-bulk-create': { burst: 10, steady: 150 },
};

const second = 1000;
const minute = 60 * second;

/**
 * Sliding-window counters. `take` admits a request and returns 0, or returns the whole seconds until
 * the window that refused it has room again; refused requests are not counted.
 * @param {Record<string, Partial<{ burst: number, steady: number }>>} [overrides]
 */
export function createLimiter(overrides = {}) {
  const limits = Object.fromEntries(
    Object.entries(defaultLimits).map(([endpoint, limit]) => [endpoint, { ...limit, ...overrides[endpoint] }]),
  );
  let windows = new Map();

  /** @param {string} key @param {string} endpoint @param {number} [now] */
  function take(key, endpoint, now = Date.now()) {
    const limit = limits[endpoint];
    if (!limit) return 0;
    const bucket = `${endpoint} ${key}`;
    const log = windows.get(bucket) ?? [];
    windows.set(bucket, log);
    while (log.length > 0 && log[0] <= now - minute) log.shift();
    let recent = 0;
    while (recent < log.length && log[log.length - 1 - recent] > now - second) recent++;
    const freeAt = Math.max(
      recent >= limit.burst ? (log[log.length - limit.burst] ?? now) + second : 0,
      log.length >= limit.steady ? (log[log.length - limit.steady] ?? now) + minute : 0,
    );
    if (freeAt > 0) return Math.max(1, Math.ceil((freeAt - now) / second));
    log.push(now);
    return 0;
  }

  return { limits, take, reset: () => (windows = new Map()) };
}
