// What goes by keepalive when the page may be going away (pagehide, or hidden).
import { leased } from './schedule';
import { byteSize, leaseFor } from './size';
import type { Rec } from './records';

/** A record leased for a try, its body, and that body's size in bytes. */
export type Send = [rec: Rec, body: string, size: number];

/**
 * The records to send now, head first, within `budget` (keepalive bytes that may still be in flight); `list`
 * gets their leases. `gone`: after pagehide, the page will not live to hear the answers. `inFlight`: this page's
 * records in flight, each with whether by keepalive. Records stay in the outbox until answered. On pagehide what
 * is sent, and what is in flight, is leased for 1 s only: the page's key is released, so that the next page
 * adopts them at once and sends them again unless confirmed (unique_id keeps that harmless).
 */
export function planKeepalive(
  list: Rec[],
  now: number,
  gone: boolean,
  budget: number,
  stopped: boolean,
  inFlight: Map<string, boolean>,
  wait: (r: Rec, now: number) => number,
  take: (r: Rec, lease: number, now: number) => Rec,
): Send[] {
  const sends: Send[] = [];
  // Once a record may not go, the rest waits too: one order per page.
  let blocked = stopped;
  list.forEach((r, i) => {
    // No account yet: it waits.
    if (!r.companyId) blocked = true;
    // Already sent, awaiting an answer (here, or to a page gone): passed over, not waited for. But on pagehide
    // an ordinary request of this page dies with the document, maybe before it left: it goes again, by keepalive.
    const again = gone && inFlight.get(r.id) === false;
    if (inFlight.has(r.id) && !again) {
      if (gone) list[i] = Object.assign({}, r, { lease: now + 1e3 });
      return;
    }
    if (!again && leased(r, now)) return;
    if (blocked || (!again && wait(r, now) > 0)) {
      blocked = true;
      return;
    }
    const body = JSON.stringify(r.body);
    const size = byteSize(body);
    if (size > budget) {
      blocked = true;
      return;
    }
    budget -= size;
    const rec = take(r, now + (gone ? 1e3 : leaseFor(size)), now);
    list[i] = rec;
    sends.push([rec, body, size]);
  });
  return sends;
}
