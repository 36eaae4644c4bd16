import { settle } from './answer';
import { fold, hasRoom } from './bulk';
import { createOutbox } from './outbox';
import { createPacer } from './pace';
import { toRecord, type Rec } from './records';
import { maxWait, until } from './schedule';
import { byteSize, leaseFor, maxLease, timeoutFor } from './size';
import { post } from './transport';
import type { Logger, OutboundRequest } from '../types';

export interface DeliveryOptions {
  /** e.g. 'https://a.klaviyo.com', no trailing slash */
  apiBase: string;
  /** Read when a request is queued; while undefined, requests are held, and get the account set later. */
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
  /** Sends what may go now. */
  flush(): Promise<void>;
  /** Drops everything pending, in memory and storage. */
  clear(): void;
  /** Requests waiting (bulked events count as one). */
  pending(): number;
  stop(): void;
}

// What browsers allow in flight from keepalive requests, less some room.
const keepaliveBudget = 64e3;
// Resuming what earlier page loads left waits for an idle moment, this long at most.
const idleMs = 1e3;

// One outbox per page (see outbox.ts), served head first by one request at a time: strict order per page.
// A page sends its own records, and those it adopted from pages gone, each under its own account.
export function createDelivery(options: DeliveryOptions): Delivery {
  const { log, companyId } = options;
  const random = options.random || Math.random;
  const outbox = createOutbox(log, options.storage);
  const pacer = createPacer();
  // send() only pushes here; the next tick folds them into the outbox in one write.
  const fresh: Rec[] = [];
  // The records this page has in flight, each with whether by keepalive.
  const inFlight = new Map<string, boolean>();
  let keepaliveBytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // When the timer is due.
  let due = Infinity;
  let stopped = false;
  let active: Promise<void> | undefined;
  let ticked = false;
  let warned = false;
  // After our pagehide handler ran, until back from the bfcache.
  let leaving = false;
  // This page's calls added events since the last ordinary look; since when the last bulk has waited for more.
  let grew = false;
  let lingering: number | undefined;
  const reported = new Set<string>();

  // What fails in here is never thrown into the page, nor kept quiet: the first failure of each kind is a
  // console error, and every one is detailed for data-debug. Delivery goes on.
  const report = (kind: string, error: unknown) => {
    const message = `delivery: ${kind} failed`;
    if (!reported.has(kind)) log.error(message);
    reported.add(kind);
    log.debug(message, error);
  };

  // The outbox kept up (heartbeat, the records of pages gone adopted, this page's new ones folded in): its records.
  const save = () => {
    let list = outbox.keep();
    const id = companyId();
    let changed = fresh.length > 0;
    if (changed) grew = true;
    for (const r of fresh.splice(0)) {
      const last = list.length - 1;
      // fold() edits the record: it is replaced by a copy.
      if (fold(list[last], r)) list[last] = Object.assign({}, list[last]);
      else list.push(r);
    }
    // Records made before the page knew its account are its own (no other page's are adopted without one):
    // the account it now has is theirs.
    list.forEach((r, i) => {
      if (r.companyId || !id) return;
      list[i] = Object.assign({}, r, { companyId: id });
      changed = true;
    });
    if (changed) list = outbox.write(list);
    // While records wait, a tick every 3 s at least: it refreshes the outbox's heartbeat.
    if (list.length) wake(3e3);
    return list;
  };

  // The records that may go now, head first, leased to this page (`list` gets the leases). Once one may not go,
  // the rest waits too: one order per page. Ordinary: the head alone, one request at a time, the timer set for
  // when it may go; a request in flight (here, or by a page gone) is waited for.
  // By keepalive, as the page may be going away (gone: pagehide, and it will not live to hear the answers): as
  // many as keepaliveBudget allows beside those in flight, and those in flight are passed over, not waited for.
  // But on pagehide an ordinary request of this page dies with the document, maybe before it left: it goes
  // again, by keepalive. On pagehide what is sent, and what is in flight, is leased for 1 s only: the page's key
  // is released, so that the next page adopts them at once and sends them again unless confirmed (unique_id
  // keeps that harmless). Records stay in the outbox until answered. Returns the deliveries started.
  const start = (keepalive: boolean, gone: boolean): Promise<void>[] => {
    const list = save();
    const now = Date.now();
    const started: Promise<void>[] = [];
    // The last bulk, which this page's calls are still filling (track() in bursts that yield to the event loop
    // between them), waits for their next turn, until full, or 1 s at most: a request in flight cannot grow, so
    // one sent at once would carry one burst. A lone event never waits, nor does a keepalive flush.
    const filling = !keepalive && grew && list.length == 1 && hasRoom(list[0]) && now - (lingering || now) < 1e3;
    if (!keepalive) {
      grew = false;
      lingering = filling ? lingering || now : undefined;
    }
    if (filling) {
      // A fresh 10 ms timer, not one a send of this burst set: the page's next turn may come 4 ms late.
      clearTimeout(timer);
      due = Infinity;
    }
    let budget = keepalive ? keepaliveBudget - keepaliveBytes : Infinity;
    let blocked = stopped;
    list.forEach((r, i) => {
      // No company id yet: it waits, and so does the rest; the next send or flush looks again. Said when the head
      // of the queue waits so, after the first tick: an account command queued before the script loaded has run.
      if (!r.companyId && !blocked && !keepalive) {
        if (ticked && !warned) log.error('no company_id set: requests wait for klaviyo.account("…")');
        warned = ticked;
      }
      if (!r.companyId) blocked = true;
      const busy = inFlight.has(r.id);
      const again = gone && inFlight.get(r.id) === false;
      // Sent (here, or by a page gone), its answer awaited this long still.
      const lease = until(r.lease || 0, maxLease, now);
      if (keepalive && !again && (busy || lease > 0)) {
        if (gone && busy) list[i] = Object.assign({}, r, { lease: now + 1e3 });
        return;
      }
      // How long it must still wait: for the answer to a try in flight, its backoff, or its endpoint's pace.
      const ms = busy ? Infinity : Math.max(lease, until(r.at, maxWait, now), pacer.wait(r.endpoint, now), filling ? 10 : 0);
      if (!again && ms > 0) {
        if (!blocked && !keepalive) wake(ms);
        blocked = true;
      }
      if (blocked) return;
      const body = JSON.stringify(r.body);
      const size = byteSize(body);
      blocked = size > budget;
      if (blocked) return;
      budget -= size;
      blocked = !keepalive;
      pacer.note(r.endpoint, now);
      const rec = Object.assign({}, r, { lease: now + (gone ? 1e3 : leaseFor(size)) });
      list[i] = rec;
      started.push(deliver(rec, body, size, keepalive));
    });
    // Stored in the same task as the requests start: no page can see one without its lease.
    if (gone) outbox.release();
    else if (started.length) outbox.write(list);
    return started;
  };

  // One try of `r` (leased for it), its body serialized and measured.
  const deliver = async (r: Rec, body: string, size: number, keepalive: boolean) => {
    inFlight.set(r.id, keepalive);
    if (keepalive) keepaliveBytes += size;
    const reply = await post(r, body, keepalive, timeoutFor(size), options.fetch);
    inFlight.delete(r.id);
    if (keepalive) {
      keepaliveBytes -= size;
      wake(0);
    }
    settle(outbox, log, random, r, reply);
  };

  // Sends the head of the queue, one request at a time, until it must wait.
  const drain = async () => {
    try {
      await 0; // so that `active` is set before this can end
      for (;;) {
        const [sent] = start(false, false);
        if (!sent) break;
        await sent;
      }
    } catch (error) {
      report('send', error);
    }
    active = undefined;
  };

  const tick = () => {
    ticked = true;
    due = Infinity;
    void delivery.flush();
  };

  // One timer at a time, for the earliest moment anything may go.
  const wake = (ms: number) => {
    const at = Date.now() + ms;
    if (stopped || at >= due) return;
    clearTimeout(timer);
    due = at;
    timer = setTimeout(tick, ms);
  };

  // The page may be going away (gone: pagehide): send what may go now by keepalive.
  // Async, so that what throws rejects: its requests still start at once, before the first await.
  const unload = async (gone: boolean) => Promise.all(start(true, gone));

  const hide = (gone: boolean) => {
    unload(gone).catch((error) => report('unload', error));
  };

  // visibilitychange is the document's; the others are the window's. No "storage" listener: subscribing to
  // storage events costs every page load about 0.7 ms in Chromium; a key another page released is adopted at
  // this page's next look (any send, and every 5 s while records wait) or by the next page load.
  const onPagehide = () => {
    leaving = true;
    hide(true);
  };
  const onVisibility = () => {
    if (document.visibilityState == 'hidden') hide(false);
  };
  // Back from the bfcache: the key was released and may have been adopted meanwhile.
  const onPageshow = (event: Event) => {
    if (!(event as PageTransitionEvent).persisted) return;
    leaving = false;
    outbox.resume();
    wake(0);
  };

  const listen = (method: 'addEventListener' | 'removeEventListener') => {
    window[method]('pagehide', onPagehide);
    document[method]('visibilitychange', onVisibility);
    window[method]('pageshow', onPageshow);
  };

  const delivery: Delivery = {
    send(request) {
      try {
        fresh.push(toRecord(request, options.apiBase, companyId()));
        // The next tick may never come: sent at the end of this task (a pagehide listener after ours), or at
        // least stored (a hidden page may be discarded). One pass for all the calls of the task, queued by the
        // first: hiding emptied `fresh`, and so does each pass.
        if ((leaving || document.visibilityState == 'hidden') && fresh.length == 1) {
          Promise.resolve()
            .then(() => {
              if (leaving) hide(true);
              else save();
            })
            .catch((error) => report('queue', error));
        }
        wake(0);
      } catch (error) {
        report('queue', error);
      }
    },
    async flush() {
      try {
        save();
        active ||= drain();
        await active;
      } catch (error) {
        report('send', error);
      }
    },
    clear() {
      fresh.length = 0;
      outbox.clear();
    },
    pending: () => fresh.length + outbox.read().length,
    stop() {
      clearTimeout(timer);
      // A drain running ends.
      stopped = true;
      // What is left is for the next page to adopt.
      save();
      outbox.release();
      listen('removeEventListener');
    },
  };

  // Never unload/beforeunload: they keep pages out of the back/forward cache.
  try {
    listen('addEventListener');
  } catch (error) {
    report('listen', error);
  }
  // Resume what earlier page loads left pending once the page is idle, or after idleMs at the latest: storage
  // need not be read while it loads. A send looks at once.
  wake(idleMs);
  if (typeof requestIdleCallback == 'function') requestIdleCallback(() => wake(0));
  return delivery;
}
