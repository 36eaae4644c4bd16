import { backoff, maxTries, retryAfter } from './backoff';
import { fold } from './bulk';
import { createOutbox, randomName, toRecord, type Rec } from './outbox';
import { createPacer } from './pace';
import { byteSize, leaseFor, maxLease, timeoutFor } from './size';
import { post } from './transport';
import type { Logger, OutboundRequest } from '../types';

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

// The longest wait a failed request is given: Retry-After's cap, above backoff's (3 min).
const maxWait = 36e5;
// What browsers allow in flight from keepalive requests, less some room.
const keepaliveBudget = 64e3;

// One outbox per page (see outbox.ts), served head first by one request at a time: strict order per page.
// A page sends only its own records, and those it adopted from pages gone.
export function createDelivery(options: DeliveryOptions): Delivery {
  const { log, companyId } = options;
  const random = options.random || Math.random;
  const tab = randomName();
  const outbox = createOutbox(log, options.storage);
  const pacer = createPacer();
  // send() only pushes here; the next tick folds them into the outbox in one write.
  const fresh: Rec[] = [];
  // The records this page has in flight, each with whether by keepalive.
  const flying = new Map<string, boolean>();
  let count = 0;
  let kept = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // When the timer is due; -Infinity once stopped (no timer is ever due before it: wake() stays quiet).
  let due = Infinity;
  let active: Promise<void> | undefined;
  let ticked: boolean | undefined;
  let warned: boolean | undefined;
  // After our pagehide handler ran (until back from the bfcache); while the document is hidden.
  let gone: boolean | undefined;
  let hidden: boolean | undefined;
  let soon: boolean | undefined;

  // What fails in here is never thrown into the page, nor kept quiet: the first failure of each kind is a
  // console error, and every one is detailed for data-debug. Delivery goes on.
  const reported = new Set<string>();
  const report = (kind: string) => (error: unknown) => {
    if (!reported.has(kind)) log.error(`${kind} failed; delivery goes on`);
    reported.add(kind);
    log.debug(`${kind} failed:`, error);
  };

  const save = () => {
    const list = outbox.read();
    const id = companyId();
    // Records made before the page knew its account are its own (no other page's are adopted without one): the
    // account it now has is theirs.
    let stamped = false;
    if (id) {
      for (const r of fresh) r.companyId ||= id;
      list.forEach((r, i) => {
        if (!r.companyId) {
          list[i] = Object.assign({}, r, { companyId: id });
          stamped = true;
        }
      });
    }
    if (fresh.length || stamped) {
      for (const r of fresh.splice(0)) {
        const last = list.length - 1;
        // fold() edits the record: it is replaced by a copy.
        fold(list[last], r) ? (list[last] = Object.assign({}, list[last])) : list.push(r);
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

  // Until `t`, unless it is further ahead than we ever set (`most`): then the clock was set back, and it is over.
  const until = (t: number, most: number, now: number) => (t - now > most ? 0 : t - now);

  // How long `r` must still wait: for the answer to a try in flight here or elsewhere, its backoff, or its
  // endpoint's pace.
  const wait = (r: Rec, now: number) =>
    flying.has(r.id)
      ? Infinity
      : Math.max(until(r.lease || 0, maxLease, now), until(r.at, maxWait, now), pacer.wait(r.endpoint, now));

  // keepalive: bytes held against the keepalive budget, 0 for an ordinary request.
  const deliver = async (r: Rec, body: string, size: number, keepalive = 0) => {
    flying.set(r.id, keepalive > 0);
    kept += keepalive;
    // Under the record's own account and API base, whichever page made it.
    const target = { apiBase: r.apiBase, fetch: options.fetch };
    const [status, after, errors] = await post(target, r.endpoint, body, r.companyId!, keepalive > 0, timeoutFor(size));
    flying.delete(r.id);
    kept -= keepalive;
    if (keepalive) wake(0);
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
      if (!ok)
        log.error(
          `dropped ${r.endpoint} request${retry ? ` after ${maxTries} tries` : ''}: ${status || 'network error'}` +
            (retry ? [] : errors || []).map((e) => ` ${e.detail} at ${(e.source || {}).pointer}`).join(';'),
        );
    } else {
      const now = Date.now();
      // Retry-After is honoured, within reason (1 h): a bad header must not park the queue for days.
      const at = now + Math.max(backoff(tries, random), Math.min(retryAfter(after, now) || 0, maxWait));
      list[i] = Object.assign({}, rec, { tries, at, lease: undefined });
    }
    outbox.write(list);
  };

  // Sends the head of the queue, leased to this page, one request at a time, until it must wait.
  const drain = async () => {
    try {
      await 0; // so that `active` is set before this can end
      for (;;) {
        const list = save();
        const head = list[0];
        const id = head && head.companyId;
        const now = Date.now();
        // After the first tick, so that an account command queued before the script loaded has run.
        if (head && !id && ticked && !warned) {
          warned = true;
          log.error('no company_id set: requests wait for klaviyo.account("…")');
        }
        // No company id yet: hold everything; the next send or flush looks again. Stopped: nothing more goes.
        if (!head || !id || due < 0) break;
        const ms = wait(head, now);
        if (ms > 0) {
          wake(ms);
          break;
        }
        const body = JSON.stringify(head.body);
        const size = byteSize(body);
        const r = (list[0] = take(head, now + leaseFor(size), now));
        outbox.write(list);
        await deliver(r, body, size);
      }
    } catch (error) {
      report('sending')(error);
    }
    active = undefined;
  };

  const tick = () => {
    ticked = true;
    due = Infinity;
    delivery.flush();
  };

  // One timer at a time, for the earliest moment anything may go.
  const wake = (ms: number) => {
    const at = Date.now() + ms;
    if (at < due) {
      clearTimeout(timer);
      due = at;
      timer = setTimeout(tick, ms);
    }
  };

  // The page may be going away: send what may go now and fits the keepalive budget, head first. Records
  // stay in the outbox until answered. On pagehide (gone), the page will not live to hear the answers: what
  // it sends, and what is in flight, gets a lease of 1 s only, and its key is released, so that the next
  // page adopts them at once and sends them again unless confirmed (unique_id keeps that harmless).
  // Async, so that what throws rejects: its requests still start at once, before the first await.
  const unload = async (gone?: boolean) => {
    const now = Date.now();

    const sends: (() => Promise<void>)[] = [];
    let budget = keepaliveBudget - kept;
    let full = due < 0;
    const list = save();
    list.forEach((r, i) => {
      // No account yet: it waits, and so does the rest.
      full ||= !r.companyId;
      // Already sent, awaiting an answer (here, or to a page gone): passed over, not waited for. But on pagehide
      // an ordinary request of this page dies with the document, maybe before it left: it goes again, by keepalive.
      const again = gone && flying.get(r.id) === false;
      if (flying.has(r.id) && !again) {
        if (gone) list[i] = Object.assign({}, r, { lease: now + 1e3 });
        return;
      }
      if (!again && until(r.lease || 0, maxLease, now) > 0) return;
      const body = full || (!again && wait(r, now) > 0) ? '' : JSON.stringify(r.body);
      // Not its turn yet, or past the budget: the rest waits too.
      const size = body ? byteSize(body) : Infinity;
      if (size > budget) return (full = true);
      budget -= size;
      const taken = (list[i] = take(r, now + (gone ? 1e3 : leaseFor(size)), now));
      sends.push(() => deliver(taken, body, size, size));
    });
    gone ? outbox.release(true) : sends.length && outbox.write(list);
    return Promise.all(sends.map((send) => send()));
  };

  const hide = (gone?: boolean) => unload(gone).catch(report('the flush of a page going away'));

  // visibilitychange is the document's; the others are the window's. No "storage" listener: subscribing to
  // storage events costs every page load about 0.7 ms in Chromium; a key another page released is adopted at
  // this page's next scan (any send, and every 5 s while records wait) or by the next page load.
  const handlers: Record<string, (event: any) => void> = {
    pagehide: () => hide((gone = true)),
    visibilitychange: () => (hidden = document.visibilityState == 'hidden') && hide(),
    // Back from the bfcache: the key was released and may have been adopted meanwhile.
    pageshow: (event: PageTransitionEvent) => event.persisted && ((gone = false), outbox.release(false), wake(0)),
  };

  const listen = (method: 'addEventListener' | 'removeEventListener') => {
    for (const type in handlers) (type == 'visibilitychange' ? document : window)[method](type, handlers[type]);
  };

  const delivery: Delivery = {
    send(request) {
      try {
        fresh.push(toRecord(`${tab}.${++count}`, request, options.apiBase, companyId()));
        // The next tick may never come: sent at the end of this task (a pagehide listener after ours), or at
        // least stored (a hidden page may be discarded). One pass for all the calls of the task.
        if ((gone || hidden) && !soon) {
          soon = true;
          Promise.resolve().then(() => {
            soon = false;
            gone ? hide(true) : save();
          });
        }
        wake(0);
      } catch (error) {
        report('queueing')(error);
      }
    },
    async flush({ keepalive } = {}) {
      try {
        await (keepalive ? unload() : (save(), (active ||= drain())));
      } catch (error) {
        report('sending')(error);
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
      due = -Infinity;
      // What is left is for the next page to adopt.
      save();
      outbox.release(true);
      listen('removeEventListener');
    },
  };

  // Never unload/beforeunload: they keep pages out of the back/forward cache.
  try {
    listen('addEventListener');
  } catch (error) {
    report('listening to pagehide')(error);
  }
  // Resume what earlier page loads left pending.
  wake(0);
  return delivery;
}
