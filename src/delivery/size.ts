// How big a request may be, and how long it may take.

// Klaviyo refuses an event payload over 5 MB. Ours stay under 4 MB: a fifth of margin, and a record that size
// still fits the outbox's 4 M characters on its own (a character is a byte at least).
export const maxBytes = 4e6;

/**
 * UTF-8 bytes of `text`, as sent. Not `new Blob([text]).size`: in Chromium every Blob is registered with the
 * browser process, which made each track() call several times slower.
 */
export const byteSize = (text: string): number => new TextEncoder().encode(text).length;

/** Whether a request body fits one request: track() refuses an event that does not, rather than lose it later. */
export function fits(body: unknown): boolean {
  try {
    return byteSize(JSON.stringify(body)) <= maxBytes;
  } catch {
    // Not serializable: the outbox refuses it, with an error that says so.
    return true;
  }
}

/** 10 s, and a second more for every 50 KB: a large body on a slow uplink (400 kbit/s) still gets through. */
export const timeoutFor = (bytes: number): number => 1e4 + Math.floor(bytes / 5e4) * 1e3;

/** How long a try of a request of `bytes` is leased: longer than its timeout, so the lease outlives it. */
export const leaseFor = (bytes: number): number => timeoutFor(bytes) + 5e3;

/** The longest lease ever given: one further ahead was set by a clock since set back. */
export const maxLease = leaseFor(maxBytes);
