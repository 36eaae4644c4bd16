import { backoff, maxTries, retryAfter } from './backoff';
import { fold } from './bulk';
import { createOutbox, type Rec } from './outbox';
import { createPacer } from './pace';
import { createTransport, type Reply } from './transport';
import type { Logger, OutboundRequest } from './types';

export interface DeliveryOptions {
  /** e.g. 'https://a.klaviyo.com', no trailing slash */
  apiBase: string;
  /** Read at send time; while undefined, requests are held. */
  companyId: () => string | undefined;
  log: Logger;
  /** Default: localStorage when usable, else memory. null: memory. */
  storage?: Storage | null;
  /** Default: globalThis.fetch, looked up per request. */
  fetch?: typeof fetch;
  random?: () => number;
}

export interface Delivery {
  /** Queues a request. Synchronous, cheap, never throws. */
  send(request: OutboundRequest): void;
  /** Sends what may go now; with keepalive, as the page is going away. */
  flush(options?: { keepalive?: boolean }): Promise<void>;
  /** Drops everything pending, in memory and storage. */
  clear(): void;
  /** Requests waiting (bulked events count as one). */
  pending(): number;
  stop(): void;
}

// Longer than ky's 10 s timeout, so a lease outlives the request it covers.
const leaseMs = 15e3;
// What browsers allow in flight from keepalive requests, less some room.
const keepaliveBudget = 64e3;

// One outbox per page (see outbox.ts), served head first by one request at a time: strict order per page.
// A page sends only its own records, and those it adopted from pages gone.
export function createDelivery(options: DeliveryOptions): Delivery {
  const { log, companyId } = options;
  const random = options.random || Math.random;
  const tab = Math.random().toString(36).slice(2);
  const outbox = createOutbox(log, options.storage);
  const pacer = createPacer();
  const post = createTransport(options.apiBase, () => options.fetch || globalThis.fetch);
  // send() only pushes here; the next tick folds them into the outbox in one write.
  const fresh: Rec[] = [];
  const flying = new Set<string>();
  let count = 0;
  let kept = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let due = Infinity;
  let active: Promise<void> | undefined;
  let ticked: boolean | undefined;
  let warned: boolean | undefined;
  let stopped: boolean | undefined;

  const save = () => {
    const list = outbox.read();
    if (fresh.length) {
      for (const r of fresh.splice(0)) {
        const last = list[list.length - 1];
        // A folded record is replaced by a copy: the outbox caches serializations by record.
        fold(last, r) ? (list[list.length - 1] = Object.assign({}, last)) : list.push(r);
      }
      outbox.write(list);
    }
    // While records wait, a tick every 3 s at least: it refreshes the outbox's heartbeat.
    if (list.length) wake(3e3);
    return list;
  };

  const take = (r: Rec, lease: number, now: number) => {
    pacer.note(r.endpoint, now);
    return Object.assign({}, r, { lease });
  };

  // How long `r` must still wait: for the answer to an earlier try, its backoff, or its endpoint's pace.
  const wait = (r: Rec, now: number) => Math.max((r.lease || 0) - now, r.at - now, pacer.wait(r.endpoint, now));

  const settle = (r: Rec, { status, retryAfter: after, errors }: Reply) => {
    const list = outbox.read();
    const i = list.findIndex((x) => x.id == r.id);
    const rec = list[i];
    const ok = status > 199 && status < 300;
    // Gone (cleared, capped, adopted by another page), or a failure of a try since superseded.
    if (!rec || (!ok && rec.lease != r.lease)) return;
    const retry = !status || status == 429 || status > 499;
    const tries = rec.tries + 1;
    if (ok || !retry || tries >= maxTries) {
      list.splice(i, 1);
      if (!ok) {
        const why = retry
          ? `gave up after ${maxTries} tries (${status || 'network error'})`
          : `rejected (${status}): ` +
            (errors || []).map((e) => `${e.detail} at ${(e.source || {}).pointer}`).join('; ');
        log.error(`dropped ${r.endpoint} request: ${why}`);
      }
    } else {
      const now = Date.now();
      // Retry-After is honoured, within reason (1 h): a bad header must not park the queue for days.
      const at = now + Math.max(backoff(tries, random), Math.min(retryAfter(after, now) || 0, 36e5));
      list[i] = Object.assign({}, rec, { tries, at, lease: undefined });
    }
    outbox.write(list);
  };

  // keepalive: bytes held against the keepalive budget, 0 for an ordinary request.
  const deliver = async (r: Rec, id: string, body: string, keepalive = 0) => {
    flying.add(r.id);
    kept += keepalive;
    const reply = await post(r.endpoint, body, id, keepalive > 0);
    flying.delete(r.id);
    kept -= keepalive;
    settle(r, reply);
    if (keepalive) wake(0);
  };

  // The head of the queue, leased to this page, or how long to wait for it.
  const claim = (): [Rec, string] | number => {
    const list = save();
    const head = list[0];
    const id = companyId();
    const now = Date.now();
    // After the first tick, so that an account command queued before the script loaded has run.
    if (head && !id && ticked && !warned) {
      warned = true;
      log.error('no company_id set: requests wait until klaviyo.account("…") is called');
    }
    // No company id yet: hold everything; the next send or flush looks again.
    if (!head || !id || stopped) return Infinity;
    const ms = wait(head, now);
    if (ms > 0) return ms;
    const r = (list[0] = take(head, now + leaseMs, now));
    outbox.write(list);
    return [r, id];
  };

  const drain = async () => {
    try {
      await 0; // so that `active` is set before this can end
      let next;
      while (typeof (next = claim()) == 'object') await deliver(next[0], next[1], JSON.stringify(next[0].body));
      wake(next);
    } catch {}
    active = undefined;
  };

  const pump = () => (active ||= drain());

  const tick = () => {
    ticked = true;
    due = Infinity;
    delivery.flush();
  };

  // One timer at a time, for the earliest moment anything may go.
  const wake = (ms: number) => {
    const at = Date.now() + ms;
    if (at >= due) return;
    clearTimeout(timer);
    due = at;
    timer = setTimeout(tick, ms);
  };

  // The page may be going away: send what may go now and fits the keepalive budget, head first. Records
  // stay in the outbox until answered. On pagehide (gone), the page will not live to hear the answers: what
  // it sends, and what is in flight, gets a lease of 1 s only, and its key is released, so that the next
  // page adopts them at once and sends them again unless confirmed (unique_id keeps that harmless).
  const unload = (gone?: boolean) => {
    const id = companyId();
    const now = Date.now();
    const lease = now + (gone ? 1e3 : leaseMs);
    const batch: [Rec, string, number][] = [];
    let budget = keepaliveBudget - kept;
    let full = !id || stopped;
    const list = save();
    list.forEach((r, i) => {
      // Already sent, awaiting an answer (here, or to a page gone): passed over, not waited for.
      if (flying.has(r.id)) {
        if (gone) list[i] = Object.assign({}, r, { lease });
        return;
      }
      if (r.lease! > now) return;
      const body = full || wait(r, now) > 0 ? '' : JSON.stringify(r.body);
      const size = body ? new Blob([body]).size : 0;
      if (!body || size > budget) return (full = true);
      budget -= size;
      batch.push([(list[i] = take(r, lease, now)), body, size]);
    });
    gone ? outbox.release(true) : batch.length && outbox.write(list);
    return Promise.all(batch.map(([r, body, size]) => deliver(r, id!, body, size)));
  };

  const onHide = (event: Event) => {
    try {
      if (event.type == 'pagehide' || document.visibilityState == 'hidden') unload(event.type == 'pagehide').catch(() => {});
    } catch {}
  };

  // Back from the bfcache: the key was released and may have been adopted meanwhile.
  const onShow = (event: Event) => {
    if ((event as PageTransitionEvent).persisted) outbox.release(false), wake(0);
  };

  // Another page released its key: adopt it now, not at the next scan.
  const onStorage = (event: Event) => {
    if (/^{"alive":0,/.test((event as StorageEvent).newValue || '')) outbox.adopt(), wake(0);
  };

  const listen = (on: boolean) => {
    const method = on ? 'addEventListener' : 'removeEventListener';
    window[method]('pagehide', onHide);
    window[method]('pageshow', onShow);
    window[method]('storage', onStorage);
    document[method]('visibilitychange', onHide);
  };

  const delivery: Delivery = {
    send(request) {
      try {
        const { endpoint, body, profileKey: key, uniqueId: uid } = request;
        fresh.push({ id: `${tab}.${++count}`, endpoint, body, key, uid, tries: 0, at: 0 });
        wake(0);
      } catch {}
    },
    async flush({ keepalive } = {}) {
      try {
        await (keepalive ? unload() : (save(), pump()));
      } catch {}
    },
    clear() {
      fresh.length = 0;
      outbox.clear();
    },
    pending: () => fresh.length + outbox.read().length,
    stop() {
      clearTimeout(timer);
      // No timer is ever due before -Infinity: wake() stays quiet from now on; a drain running ends.
      due = -Infinity;
      stopped = true;
      // What is left is for the next page to adopt.
      save();
      outbox.release(true);
      listen(false);
    },
  };

  // Never unload/beforeunload: they keep pages out of the back/forward cache.
  try {
    listen(true);
  } catch {}
  // Resume what earlier page loads left pending.
  wake(0);
  return delivery;
}
