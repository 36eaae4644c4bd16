import { settle } from './answer';
import { fold, hasRoom } from './bulk';
import { createOutbox } from './outbox';
import { createPacer } from './pace';
import { randomName, toRecord, type Rec } from './records';
import { waitFor } from './schedule';
import { byteSize, leaseFor, timeoutFor } from './size';
import { post } from './transport';
import { planKeepalive, type Send } from './unload';
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
  /** Sends what may go now; with keepalive, as the page is going away. */
  flush(options?: { keepalive?: boolean }): Promise<void>;
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
  const tab = randomName();
  const outbox = createOutbox(log, options.storage);
  const pacer = createPacer();
  // send() only pushes here; the next tick folds them into the outbox in one write.
  const fresh: Rec[] = [];
  // The records this page has in flight, each with whether by keepalive.
  const inFlight = new Map<string, boolean>();
  let count = 0;
  let keepaliveBytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // When the timer is due.
  let due = Infinity;
  let stopped = false;
  let active: Promise<void> | undefined;
  let ticked = false;
  let warned = false;
  // After our pagehide handler ran (until back from the bfcache); while the document is hidden.
  let leaving = false;
  let hidden = false;
  let storeQueued = false;
  // This page's new requests were folded in since the drain last looked at the head; since when a bulk its calls
  // are still filling has waited for more (see drain).
  let grew = false;
  let lingering: number | undefined;
  const reported = new Set<string>();

  // What fails in here is never thrown into the page, nor kept quiet: the first failure of each kind is a
  // console error, and every one is detailed for data-debug. Delivery goes on.
  const report = (kind: string) => (error: unknown) => {
    const message = `delivery: ${kind} failed`;
    if (!reported.has(kind)) log.error(message);
    reported.add(kind);
    log.debug(message, error);
  };

  // The outbox kept up (heartbeat, the records of pages gone adopted, this page's new ones folded in): its records.
  const save = () => {
    outbox.heartbeat();
    outbox.adoptOrphans();
    const list = outbox.read();
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
    if (changed) outbox.write(list);
    // While records wait, a tick every 3 s at least: it refreshes the outbox's heartbeat.
    if (list.length) wake(3e3);
    return list;
  };

  const take = (r: Rec, lease: number, now: number) => {
    pacer.note(r.endpoint, now);
    return Object.assign({}, r, { lease });
  };

  // How long `r` must still wait: for the answer to a try in flight here, or as the schedule says.
  const wait = (r: Rec, now: number) => (inFlight.has(r.id) ? Infinity : waitFor(r, now, pacer));

  const deliver = async ([r, body, size]: Send, keepalive: boolean) => {
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

  // Sends the head of the queue, leased to this page, one request at a time, until it must wait.
  const drain = async () => {
    try {
      await 0; // so that `active` is set before this can end
      while (!stopped) {
        const list = save();
        const head = list[0];
        if (!head) break;
        // No company id yet: hold everything; the next send or flush looks again. Said after the first tick,
        // so that an account command queued before the script loaded has run.
        if (!head.companyId) {
          if (ticked && !warned) log.error('no company_id set: requests wait for klaviyo.account("…")');
          warned = ticked;
          break;
        }
        const now = Date.now();
        const ms = wait(head, now);
        if (ms > 0) {
          wake(ms);
          break;
        }
        // The last bulk, which this page's calls are still filling (a loop of track() calls that yields to the event
        // loop between bursts), waits for their next turn, until full or for 1 s at most: a request in flight cannot
        // grow, so one sent at once would carry a single burst. A lone event never waits.
        const filling = grew && list.length == 1 && hasRoom(head) && now - (lingering || now) < 1e3;
        grew = false;
        if (filling) {
          if (!lingering) lingering = now;
          // 10 ms from now (a nested setTimeout 0 runs 4 ms later), not on a timer a send of this burst set.
          clearTimeout(timer);
          due = Infinity;
          wake(10);
          break;
        }
        lingering = undefined;
        const body = JSON.stringify(head.body);
        const size = byteSize(body);
        const r = take(head, now + leaseFor(size), now);
        list[0] = r;
        outbox.write(list);
        await deliver([r, body, size], false);
      }
    } catch (error) {
      report('send')(error);
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

  // The page may be going away (gone: pagehide): send what may go now by keepalive (see unload.ts).
  // Async, so that what throws rejects: its requests still start at once, before the first await.
  const unload = async (gone: boolean) => {
    const list = save();
    const sends = planKeepalive(list, Date.now(), gone, keepaliveBudget - keepaliveBytes, stopped, inFlight, wait, take);
    if (gone) outbox.release();
    else if (sends.length) outbox.write(list);
    return Promise.all(sends.map((s) => deliver(s, true)));
  };

  const hide = (gone: boolean) => {
    unload(gone).catch(report('unload'));
  };

  // visibilitychange is the document's; the others are the window's. No "storage" listener: subscribing to
  // storage events costs every page load about 0.7 ms in Chromium; a key another page released is adopted at
  // this page's next look (any send, and every 5 s while records wait) or by the next page load.
  const onPagehide = () => {
    leaving = true;
    hide(true);
  };
  const onVisibility = () => {
    hidden = document.visibilityState == 'hidden';
    if (hidden) hide(false);
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
        count++;
        fresh.push(toRecord(`${tab}.${count}`, request, options.apiBase, companyId()));
        // The next tick may never come: sent at the end of this task (a pagehide listener after ours), or at
        // least stored (a hidden page may be discarded). One pass for all the calls of the task.
        if ((leaving || hidden) && !storeQueued) {
          storeQueued = true;
          Promise.resolve()
            .then(() => {
              storeQueued = false;
              if (leaving) hide(true);
              else save();
            })
            .catch(report('queue'));
        }
        wake(0);
      } catch (error) {
        report('queue')(error);
      }
    },
    async flush({ keepalive } = {}) {
      try {
        if (keepalive) {
          await unload(false);
          return;
        }
        save();
        active ||= drain();
        await active;
      } catch (error) {
        report('send')(error);
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
    report('listen')(error);
  }
  // Resume what earlier page loads left pending once the page is idle: storage need not be read while it
  // loads. A send looks at once.
  if (typeof requestIdleCallback == 'function') requestIdleCallback(() => wake(0), { timeout: idleMs });
  else wake(idleMs);
  return delivery;
}
