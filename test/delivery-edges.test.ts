// Delivery at the edges: a page dying or hidden, requests that hang, clocks set back, a full or foreign storage.
import { describe, expect, test, vi } from 'vitest';
import { createOutbox } from '../src/delivery/outbox';
import type { Rec } from '../src/delivery/records';
import { accepted, event, fakeApi, isKeepalive, mapStorage, profile, reply, settled, spyLog, uniqueIds } from './helpers/fake-api';
import { crashedPage, OUTBOX, outboxKeys, setup, useDeliveryHarness } from './helpers/delivery';

const key = OUTBOX;
const day = 86_400_000;

useDeliveryHarness();

const keys = outboxKeys;
const value = (storage: Storage, k: string) => JSON.parse(storage.getItem(k)!);
const stored = (storage: Storage): any[] => keys(storage).flatMap((k) => value(storage, k).records);
const alive = (storage: Storage) => keys(storage).map((k) => value(storage, k).alive);

const subscription = () =>
  ({
    endpoint: 'subscriptions',
    body: {
      data: {
        type: 'subscription',
        attributes: { profile: { data: { type: 'profile', attributes: { email: 'ada@example.com' } } } },
        relationships: { list: { data: { type: 'list', id: 'L1' } } },
      },
    },
    profileKey: 'ada',
  }) as const;

const rec = (n: number): Rec => ({
  id: `t.${n}`,
  endpoint: 'profiles',
  body: { data: { type: 'profile', attributes: { email: `v${n}@example.com` } } },
  key: `v${n}`,
  companyId: 'AbC123',
  apiBase: 'https://a.klaviyo.com',
  tries: 0,
  at: 0,
});
const ids = (list: Rec[]) => list.map((r) => r.id);

// A fetch answering 202 after `ms`, or failing when its signal aborts, as browsers do; each request's span.
function abortable(ms: number) {
  const spans: { keepalive: boolean; start: number; end?: number }[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const span = { keepalive: isKeepalive(input, init), start: Date.now(), end: undefined as number | undefined };
      spans.push(span);
      const end = (settle: () => void) => span.end ?? ((span.end = Date.now()), settle());
      (init?.signal || (input as Request).signal)?.addEventListener('abort', () =>
        end(() => reject(new DOMException('aborted', 'AbortError'))),
      );
      setTimeout(() => end(() => resolve(accepted())), ms);
    });
  return { fetch: fetch as typeof globalThis.fetch, spans };
}

const hide = () => {
  vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
  document.dispatchEvent(new Event('visibilitychange'));
};

describe('the page going away', () => {
  test('on pagehide, a request still in flight the ordinary way goes again by keepalive: it dies with the document', async () => {
    const page = setup({ api: fakeApi(() => 'hang') });
    page.delivery.send(event('ada', 'a1'));
    await vi.advanceTimersByTimeAsync(0);
    await settled(); // sent the ordinary way; no answer yet
    expect(page.api.hits.map((h) => [uniqueIds(h), h.keepalive])).toEqual([[['a1'], false]]);
    window.dispatchEvent(new Event('pagehide'));
    await settled();
    expect(page.api.hits.map((h) => [uniqueIds(h), h.keepalive])).toEqual([[['a1'], false], [['a1'], true]]);
    // A keepalive request in flight is not sent a third time by a second pagehide.
    window.dispatchEvent(new Event('pagehide'));
    await settled();
    expect(page.api.hits).toHaveLength(2);
  });

  test('a send() from a pagehide listener that runs after ours is stored and sent at once with keepalive, each once', async () => {
    const storage = mapStorage();
    const page = setup({ storage, api: fakeApi(() => 'hang') });
    page.delivery.send(event('ada', 'a1'));
    window.addEventListener('pagehide', () => (page.delivery.send(event('bob', 'b1')), page.delivery.send(event('bob', 'b2'))), { once: true });
    window.dispatchEvent(new Event('pagehide'));
    await settled(); // the end of the task: the event's listeners have all run
    // b1 and b2, of one visitor and tracked in one task, go as one bulk request.
    expect(page.api.hits.map((h) => [uniqueIds(h), h.keepalive])).toEqual([[['a1'], true], [['b1', 'b2'], true]]);
    expect(stored(storage).map((r) => r.endpoint)).toEqual(['events', 'event-bulk-create']);
    expect(alive(storage)).toEqual([0]); // released: the next page adopts at once
  });

  test('…and when its answer comes, the next page does not send it again', async () => {
    const storage = mapStorage();
    const page = setup({ storage });
    window.addEventListener('pagehide', () => page.delivery.send(event('ada', 'left')), { once: true });
    window.dispatchEvent(new Event('pagehide'));
    vi.clearAllTimers(); // the document is gone: its timers never run
    const next = setup({ storage });
    await next.run(60_000);
    expect([...page.api.hits, ...next.api.hits].flatMap(uniqueIds)).toEqual(['left']);
  });

  test('a send() while the page is hidden is stored at once: a background tab discarded meanwhile keeps it', async () => {
    const storage = mapStorage();
    const page = setup({ storage, api: fakeApi(() => 'network') });
    hide();
    page.delivery.send(event('ada', 'late'));
    await Promise.resolve(); // the end of the task
    expect(stored(storage).map((r) => r.uid)).toEqual(['late']);
    vi.clearAllTimers(); // discarded: no timer or event runs again
    const next = setup({ storage });
    await next.run(15_000);
    expect(next.api.hits.flatMap(uniqueIds)).toEqual(['late']);
  });
});

describe('requests that take long', () => {
  test('a keepalive request is aborted after 10 s, within its lease: never two tries of one request at once', async () => {
    const api = abortable(20_000);
    const { delivery } = setup({ fetch: api.fetch });
    delivery.send(subscription());
    hide();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.spans[0]).toEqual({ keepalive: true, start: Date.now() - 60_000, end: Date.now() - 50_000 });
    expect(api.spans.length).toBeGreaterThan(1);
    api.spans.slice(1).forEach((span, i) => expect(span.start).toBeGreaterThanOrEqual(api.spans[i].end!));
  });

  test('back from the bfcache within a second of pagehide: a request still in flight is not sent again', async () => {
    const storage = mapStorage();
    const { delivery, api, run } = setup({ storage, api: fakeApi(undefined, 5000) });
    delivery.send(subscription());
    window.dispatchEvent(new Event('pagehide')); // keepalive, under a lease of 1 s
    await vi.advanceTimersByTimeAsync(100);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await run(60_000);
    expect(api.hits.map((h) => [h.endpoint, h.keepalive])).toEqual([['subscriptions', true]]);
    expect(stored(storage)).toEqual([]);
  });

  test.each([
    [503, 'retried'],
    [400, 'dropped'],
  ])('a %i whose body stalls is %s after 10 s, and the queue moves on', async (status) => {
    const stalled = () => new Response(new ReadableStream({ start() {} }), { status });
    const api = fakeApi((_, i) => (i == 0 ? stalled() : accepted()));
    const { delivery, log } = setup({ api });
    delivery.send(profile('ada'));
    await vi.advanceTimersByTimeAsync(0);
    delivery.send(profile('bob'));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(api.hits.map((h) => h.body.data.attributes.email)).toEqual(
      status == 503 ? ['ada@example.com', 'ada@example.com', 'bob@example.com'] : ['ada@example.com', 'bob@example.com'],
    );
    expect(log.error).toHaveBeenCalledTimes(status == 400 ? 1 : 0);
    if (status == 400) expect(log.error.mock.calls[0][0]).toMatch(/dropped profiles request: 400/);
    expect(delivery.pending()).toBe(0);
  });
});

describe('a clock set back', () => {
  test('a day back after a 503: the retry waits its backoff, not a day', async () => {
    const api = fakeApi((_, i) => (i == 0 ? reply(503) : accepted()));
    const { delivery, run } = setup({ api });
    delivery.send(profile('ada'));
    await run();
    vi.setSystemTime(Date.now() - day);
    delivery.send(event('bob', 'b1'));
    await run(10 * 60_000);
    expect(api.hits.length).toBe(3);
    expect(delivery.pending()).toBe(0);
  });

  test('a day back after a burst: the pacer does not hold the next request a day', async () => {
    const { delivery, api, run } = setup();
    for (let i = 0; i < 11; i++) delivery.send(event(`v${i}`, `x${i}`)), delivery.send(event(`v${i}`, `y${i}`));
    await run();
    expect(api.hits.length).toBe(10); // event-bulk-create: 10 a second
    vi.setSystemTime(Date.now() - day);
    await run();
    expect(api.hits.length).toBe(11);
  });

  test('records leased by a page whose clock was a day ahead are sent by the next page at once', async () => {
    const storage = mapStorage();
    vi.setSystemTime(Date.now() + day);
    const page = setup({ storage, api: fakeApi(() => 'hang') });
    page.delivery.send(event('ada', 'a1'));
    await vi.advanceTimersByTimeAsync(0); // in flight, under a 15 s lease
    page.delivery.stop();
    vi.setSystemTime(Date.now() - day);
    const next = setup({ storage });
    await next.run(2000);
    expect(next.api.hits.flatMap(uniqueIds)).toEqual(['a1']);
  });

  test("a crashed page's key written with a clock a day ahead is adopted once silent 10 s, not a day later", async () => {
    const storage = mapStorage();
    vi.setSystemTime(Date.now() + day);
    await crashedPage(storage, event('ada', 'a1'));
    vi.setSystemTime(Date.now() - day);
    const next = setup({ storage });
    await next.run(15_000);
    expect(next.api.hits.flatMap(uniqueIds)).toEqual(['a1']);
  });

  test('outbox: a live page still adopts a key released after its last scan, and is not adopted itself', () => {
    const storage = mapStorage();
    const live = createOutbox(spyLog(), storage);
    live.write([rec(1)]);
    live.keep();
    const gone = createOutbox(spyLog(), storage);
    gone.write([rec(2)]);
    gone.release();
    vi.setSystemTime(Date.now() - day);
    live.keep();
    expect(ids(live.read()).sort()).toEqual(['t.1', 't.2']);
    const next = createOutbox(spyLog(), storage);
    next.keep();
    expect(next.read()).toEqual([]);
    expect(ids(live.read()).sort()).toEqual(['t.1', 't.2']);
  });
});

describe('a full storage', () => {
  test('one failed write: the stored records stay, and the page closing offline loses nothing', async () => {
    const storage = mapStorage();
    const setItem = storage.setItem.bind(storage);
    const page = setup({ storage, api: fakeApi(() => 'network') });
    page.delivery.send(event('ada', 'a1'));
    await page.run();
    expect(stored(storage).map((r) => r.uid)).toEqual(['a1']);
    let fail = true;
    storage.setItem = (k, v) => {
      if (fail) {
        fail = false;
        throw new DOMException('full', 'QuotaExceededError');
      }
      setItem(k, v);
    };
    page.delivery.send(event('bob', 'b1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(stored(storage).map((r) => r.uid)).toEqual(['a1']);
    window.dispatchEvent(new Event('pagehide')); // keepalive fails: offline
    page.delivery.stop();
    const next = setup({ storage });
    await next.run(60_000);
    expect(next.api.hits.flatMap(uniqueIds).sort()).toEqual(['a1', 'b1']);
    expect(page.log.debug).toHaveBeenCalledTimes(1);
  });

  test('outbox: writes over the quota keep the key as it was, its heartbeat fresh; storage is tried again; one debug line', () => {
    const storage = mapStorage();
    const setItem = storage.setItem.bind(storage);
    let room = Infinity;
    storage.setItem = (k, v) => {
      if (v.length > room) throw new DOMException('full', 'QuotaExceededError');
      setItem(k, v);
    };
    const log = spyLog();
    const outbox = createOutbox(log, storage);
    outbox.write([rec(1)]);
    const [own] = keys(storage);
    room = storage.getItem(own)!.length;
    outbox.write([rec(1), rec(2)]);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(3000);
      outbox.keep(); // its heartbeat failing
      expect(ids(outbox.read())).toEqual(['t.1', 't.2']);
    }
    expect(value(storage, own)).toEqual({ alive: Date.now(), records: [rec(1)] });
    const other = createOutbox(spyLog(), storage);
    other.keep();
    expect(ids(other.read())).toEqual([]); // not adopted: alive
    outbox.release();
    outbox.resume(); // back from the bfcache: memory holds more than the key
    expect(ids(outbox.read())).toEqual(['t.1', 't.2']);
    room = Infinity;
    outbox.write(outbox.read().concat(rec(3)));
    expect(stored(storage)).toEqual([rec(1), rec(2), rec(3)]);
    expect(log.debug).toHaveBeenCalledTimes(1);
    room = 0;
    outbox.clear();
    expect(keys(storage)).toEqual([]);
  });
});

describe('a full storage, shared by pages', () => {
  // An origin's storage with a total quota in characters, as browsers count it.
  function quotaStorage() {
    const storage = mapStorage();
    const setItem = storage.setItem.bind(storage);
    const total = () => keys(storage).reduce((n, k) => n + k.length + storage.getItem(k)!.length, 0);
    const quota = { cap: Infinity, storage, total };
    storage.setItem = (k, v) => {
      const before = storage.getItem(k);
      if (total() - (before == null ? 0 : k.length + before.length) + k.length + String(v).length > quota.cap)
        throw new DOMException('full', 'QuotaExceededError');
      setItem(k, v);
    };
    return quota;
  }

  test('released with a write failed, adopted by the next page, back from the bfcache: each record held by one page', () => {
    const quota = quotaStorage();
    const a = createOutbox(spyLog(), quota.storage);
    a.write([rec(1)]);
    quota.cap = quota.total();
    a.write([rec(1), rec(2)]); // refused: t.2 is in memory only
    a.release();
    const b = createOutbox(spyLog(), quota.storage);
    b.keep();
    expect(ids(b.read())).toEqual(['t.1']);
    a.resume();
    expect(ids(a.read())).toEqual(['t.2']);
  });

  test('silent 11 s with a write failed (a throttled tab), adopted by another: each record held by one page', () => {
    const quota = quotaStorage();
    const a = createOutbox(spyLog(), quota.storage);
    a.write([rec(1)]);
    quota.cap = quota.total();
    a.write([rec(1), rec(2)]);
    vi.advanceTimersByTime(11_000);
    const b = createOutbox(spyLog(), quota.storage);
    b.keep();
    expect(ids(b.read())).toEqual(['t.1']);
    expect(ids(a.read())).toEqual(['t.2']);
  });

  test('a profile left in a released key under a full quota is sent once, by one of the two pages', async () => {
    const quota = quotaStorage();
    // Offline at first: ada fails once and waits its backoff.
    const a = setup({ storage: quota.storage, api: fakeApi((_, i) => (i == 0 ? 'network' : accepted())) });
    a.delivery.send(profile('ada'));
    await a.run();
    quota.cap = quota.total();
    a.delivery.send(profile('bob'));
    await vi.advanceTimersByTimeAsync(0); // refused: bob is in memory only
    window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: true }));
    const b = setup({ storage: quota.storage });
    await b.run(1000);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await a.run(1000);
    await b.run(1000);
    expect(a.api.hits[0].body.data.attributes.email).toBe('ada@example.com'); // the failed try
    const emails = [...a.api.hits.slice(1), ...b.api.hits].map((h) => h.body.data.attributes.email);
    expect(emails.sort()).toEqual(['ada@example.com', 'bob@example.com']);
  });
});

describe('foreign or legacy outbox keys', () => {
  test('malformed records are not adopted, and do not cost the well-formed ones adopted with them', async () => {
    const storage = mapStorage();
    let id: string | undefined;
    const first = setup({ storage, companyId: () => id });
    first.delivery.send(event('ada', 'a1'));
    await first.run();
    window.dispatchEvent(new Event('pagehide'));
    id = 'AbC123'; // known by the time it stops: its record is stamped with it
    first.delivery.stop();
    storage.setItem(key, '[null]');
    storage.setItem(`${key}.x`, JSON.stringify({ alive: 0, records: [5, 'x', { id: 1, endpoint: 'events', body: {} }, { id: 'y', endpoint: 'events' }] }));
    storage.setItem(`${key}.z`, '{"alive":0,"records":7}');
    const next = setup({ storage });
    await next.run(60_000);
    expect(next.api.hits.flatMap(uniqueIds)).toEqual(['a1']);
    expect(keys(storage)).toEqual([]);
  });

  test('a record without tries or at is retried on the backoff schedule, not at once and without end', async () => {
    const storage = mapStorage();
    const body = { data: { type: 'profile', attributes: { email: 'x@example.com' } } };
    storage.setItem(`${key}.x`, JSON.stringify({ alive: 0, records: [{ id: 'y', endpoint: 'profiles', key: 'k', companyId: 'AbC123', apiBase: 'https://a.klaviyo.com', body }] }));
    const api = fakeApi(() => reply(503));
    // Past 20 requests the company id goes, so that a storm ends.
    const { run } = setup({ storage, api, companyId: () => (api.hits.length < 20 ? 'AbC123' : undefined) });
    await run(0);
    expect(api.hits).toHaveLength(1);
  });
});

describe('errors in the delivery loop', () => {
  test('are reported: one console error per kind, the detail in debug, and delivery goes on', async () => {
    const api = fakeApi((_, i) => (i < 3 ? reply(503) : accepted()));
    let throws = 3;
    const random = () => {
      if (throws-- > 0) throw new Error('random patched by the page');
      return 0.5;
    };
    const { delivery, log, run } = setup({ api, random });
    delivery.send(event('ada', 'a1'));
    await run(120_000);
    expect(api.hits.map(uniqueIds)).toEqual([['a1'], ['a1'], ['a1'], ['a1']]);
    expect(delivery.pending()).toBe(0);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0][0]).toMatch(/failed/);
    const details = log.debug.mock.calls.filter((call) => call.some((arg) => arg instanceof Error));
    expect(details).toHaveLength(3);
    expect(String(details[0].find((arg) => arg instanceof Error))).toMatch(/random patched by the page/);
  });
});
