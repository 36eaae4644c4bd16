import { describe, expect, test, vi } from 'vitest';
import { accepted, event, fakeApi, laggedStorages, mapStorage, profile, reply, settled, uniqueIds, type Hit } from './helpers/fake-api';
import { crashedPage, OUTBOX, outboxKeys, setup, useDeliveryHarness } from './helpers/delivery';

const key = OUTBOX;
useDeliveryHarness();

const keys = outboxKeys;
const held = (storage: Storage, k: string) => {
  const value = JSON.parse(storage.getItem(k)!);
  return Array.isArray(value) ? value : value.records;
};
/** Every record pending in `storage`, whichever page holds it. */
const stored = (storage: Storage | null): any[] => keys(storage!).flatMap((k) => held(storage!, k));
const alive = (storage: Storage) => keys(storage).map((k) => JSON.parse(storage.getItem(k)!).alive);

// Most requests in any window of `ms` (hit times in order).
const most = (hits: Hit[], ms: number) => {
  let max = 0;
  for (let i = 0, j = 0; i < hits.length; i++) {
    while (hits[i].at - hits[j].at >= ms) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
};

const apiError = (detail: string, pointer: string) => ({
  errors: [{ id: 'e1', code: 'invalid', title: 'Invalid input.', detail, source: { pointer } }],
});

describe('delivery', () => {
  test('posts JSON:API bodies with the revision header and company_id, then forgets them on 2xx', async () => {
    const { delivery, api, storage, run } = setup();
    delivery.send(profile('ada'));
    delivery.send(event('ada', 'a1'));
    expect(api.mock).not.toHaveBeenCalled();
    expect(delivery.pending()).toBe(2);
    await run();
    expect(api.hits.map((h) => h.endpoint)).toEqual(['profiles', 'events']);
    for (const hit of api.hits) {
      expect(hit.companyId).toBe('AbC123');
      expect(hit.revision).toBe('2026-07-15');
      expect(hit.contentType).toBe('application/vnd.api+json');
      expect(hit.keepalive).toBe(false);
    }
    expect(delivery.pending()).toBe(0);
    expect(stored(storage)).toEqual([]);
  });

  test('writes the outbox before anything is sent', async () => {
    const storage = mapStorage();
    const api = fakeApi(() => {
      expect(stored(storage)).toHaveLength(1);
      return accepted();
    });
    const { delivery, run } = setup({ api, storage });
    delivery.send(event());
    await run();
    expect(api.hits).toHaveLength(1);
  });

  test('500 send() calls are cheap: memory and one timer, no storage or network until the tick', { timeout: 30_000 }, async () => {
    const { delivery, api, storage, run } = setup();
    const setItem = vi.spyOn(storage!, 'setItem');
    const stringify = vi.spyOn(JSON, 'stringify');
    const requests = Array.from({ length: 500 }, (_, i) => event(`v${i % 5}`));
    const start = process.hrtime.bigint();
    for (const request of requests) delivery.send(request);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(`500 send() calls took ${ms.toFixed(2)} ms`);
    expect(stringify).not.toHaveBeenCalled();
    expect(setItem).not.toHaveBeenCalled();
    expect(api.mock).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(1);
    await run();
    // Five visitors taking turns: nothing to fold, 500 requests, under the 350/s burst limit first.
    expect(api.hits.length).toBe(350);
    await run(1000);
    expect(api.hits.length).toBe(500);
  });

  test('folds consecutive events of one visitor into event-bulk-create, in order, never repeating a unique_id', async () => {
    const { delivery, api, run } = setup();
    delivery.send(profile('ada'));
    delivery.send(event('ada', 'a1'));
    delivery.send(event('ada', 'a2'));
    delivery.send(event('ada', 'a1'));
    delivery.send(event('ada', 'a3'));
    delivery.send(profile('bob', 'Bob'));
    delivery.send(event('bob', 'b1'));
    delivery.send(event('ada', 'a4'));
    await run();
    expect(api.hits.map((h) => [h.endpoint, uniqueIds(h)])).toEqual([
      ['profiles', []],
      ['event-bulk-create', ['a1', 'a2']],
      ['event-bulk-create', ['a1', 'a3']],
      ['profiles', []],
      ['events', ['b1']],
      ['events', ['a4']],
    ]);
    const bulk = api.hits[1].body.data.attributes;
    expect(bulk.profile).toEqual({ data: { type: 'profile', attributes: { email: 'ada@example.com' } } });
    for (const hit of api.hits) expect(new Set(uniqueIds(hit)).size).toBe(uniqueIds(hit).length);
  });

  test('a 4xx drops the request with an error quoting detail and pointer, and the queue moves on', async () => {
    const pointer = '/data/attributes/profile/data/attributes/email';
    const api = fakeApi((_, i) => (i == 0 ? reply(400, {}, apiError('Invalid email address', pointer)) : accepted()));
    const { delivery, log, run } = setup({ api });
    delivery.send(event('ada', 'a1'));
    delivery.send(profile('bob'));
    await run(60_000);
    expect(api.hits.map((h) => h.endpoint)).toEqual(['events', 'profiles']);
    expect(log.error).toHaveBeenCalledTimes(1);
    const message = log.error.mock.calls[0][0];
    expect(message).toContain('Invalid email address');
    expect(message).toContain(pointer);
    expect(message).toContain('400');
    expect(delivery.pending()).toBe(0);
  });

  test.each([
    ['seconds', '30', 30_000],
    ['an HTTP date', 'Sat, 01 Aug 2026 10:00:45 GMT', 45_000],
  ])('429 with Retry-After in %s: the next try waits for it, with the same unique_id', async (_, header, wait) => {
    const api = fakeApi((_, i) => (i == 0 ? reply(429, { 'Retry-After': header }) : accepted()));
    const { delivery, run } = setup({ api });
    delivery.send(event('ada', 'a1'));
    await run();
    expect(api.hits).toHaveLength(1);
    await run(wait - 1000);
    expect(api.hits).toHaveLength(1);
    await run(2000);
    expect(api.hits).toHaveLength(2);
    expect(api.hits[1].at - api.hits[0].at).toBeGreaterThanOrEqual(wait);
    expect(uniqueIds(api.hits[1])).toEqual(['a1']);
    expect(delivery.pending()).toBe(0);
  });

  test('5xx and network errors back off exponentially with full jitter', async () => {
    const answers = [reply(503), 'network' as const, reply(500), accepted()];
    const api = fakeApi((_, i) => answers[i]);
    const { delivery, run } = setup({ api, random: () => 0.5 });
    delivery.send(event('ada', 'a1'));
    await run(10_000);
    expect(api.hits.map((h) => h.at - api.hits[0].at)).toEqual([0, 500, 1500, 3500]);
    expect(new Set(api.hits.map((h) => uniqueIds(h)[0]))).toEqual(new Set(['a1']));
    expect(delivery.pending()).toBe(0);
  });

  test('gives up after 50 tries, at most 3 minutes apart, with an error', async () => {
    const api = fakeApi(() => 'network');
    const { delivery, log, run } = setup({ api, random: () => 0.999999 });
    delivery.send(event('ada', 'a1'));
    for (let i = 0; i < 60; i++) await run(180_000);
    expect(api.hits).toHaveLength(50);
    const gaps = api.hits.slice(1).map((h, i) => h.at - api.hits[i].at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(180_000);
    expect(gaps.at(-1)).toBeGreaterThan(170_000);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0][0]).toMatch(/request: network error after 50 tries/);
    expect(delivery.pending()).toBe(0);
  });

  test('a missing, throwing or patched fetch never throws out of send() and loses nothing', async () => {
    vi.stubGlobal('fetch', undefined);
    const broken = [undefined, () => { throw new Error('patched'); }, () => undefined, () => Promise.resolve({})];
    for (const fetch of broken) {
      const { delivery, log, run } = setup({ fetch: fetch as unknown as typeof globalThis.fetch });
      expect(() => delivery.send(event())).not.toThrow();
      await run(5000);
      expect(delivery.pending()).toBe(1);
      expect(log.error).not.toHaveBeenCalled();
      delivery.stop();
    }
  });

  test('holds requests while the company id is unknown', async () => {
    let id: string | undefined;
    const { delivery, api, run } = setup({ companyId: () => id });
    delivery.send(event());
    await run(600_000);
    expect(api.hits).toHaveLength(0);
    expect(delivery.pending()).toBe(1);
    id = 'AbC123';
    await delivery.flush();
    expect(api.hits).toHaveLength(1);
  });

  test('resumes on the next page load, in order', async () => {
    const storage = mapStorage();
    let id: string | undefined;
    const first = setup({ storage, companyId: () => id });
    first.delivery.send(profile('ada'));
    first.delivery.send(event('ada', 'a1'));
    first.delivery.send(event('bob', 'b1'));
    await first.run();
    // Known by the time the page goes (its records are then stamped with it), too late to send them.
    id = 'AbC123';
    first.delivery.stop();
    expect(stored(storage)).toHaveLength(3);
    const next = setup({ storage });
    await next.run();
    expect(next.api.hits.map((h) => [h.endpoint, uniqueIds(h)])).toEqual([
      ['profiles', []],
      ['events', ['a1']],
      ['events', ['b1']],
    ]);
    expect(stored(storage)).toEqual([]);
  });

  test('pagehide: what is sent, and what is in flight, gets a 1 s lease; the next page sends it again after 1 s, not 15 s', async () => {
    // (a1, in flight the ordinary way, goes again by keepalive: the ordinary request dies with the page.)
    const storage = mapStorage();
    const { delivery, api } = setup({ storage, api: fakeApi(() => 'hang') });
    delivery.send(event('ada', 'a1'));
    await vi.advanceTimersByTimeAsync(0); // a1 in flight, by the ordinary path
    delivery.send(event('bob', 'b1'));
    window.dispatchEvent(new Event('pagehide')); // a1 again and b1, by keepalive
    await settled();
    expect(api.hits.map((h) => [uniqueIds(h)[0], h.keepalive])).toEqual([['a1', false], ['a1', true], ['b1', true]]);
    expect(stored(storage).map((r) => r.lease)).toEqual([Date.now() + 1000, Date.now() + 1000]);
    expect(alive(storage)).toEqual([0]); // released
    const next = setup({ storage });
    next.delivery.send(event('cy', 'c1'));
    await next.run(900);
    expect(next.api.hits).toHaveLength(0);
    await next.run(200);
    expect(next.api.hits.map(uniqueIds)).toEqual([['a1'], ['b1'], ['c1']]);
    expect(stored(storage)).toEqual([]);
    expect(api.hits).toHaveLength(3);
  });

  test('pagehide right after adopting records still leased (sent by the page before): they do not hold up the keepalive flush', async () => {
    const storage = mapStorage();
    const first = setup({ storage, api: fakeApi(() => 'hang') });
    first.delivery.send(event('ada', 'a1'));
    window.dispatchEvent(new Event('pagehide'));
    first.delivery.stop();
    const next = setup({ storage, api: fakeApi(() => 'hang') });
    await vi.advanceTimersByTimeAsync(0);
    next.delivery.send(event('bob', 'b1'));
    await vi.advanceTimersByTimeAsync(500);
    expect(next.api.hits).toHaveLength(0);
    window.dispatchEvent(new Event('pagehide'));
    await settled();
    expect(next.api.hits.map((h) => [uniqueIds(h)[0], h.keepalive])).toEqual([['b1', true]]);
  });

  test('visibilitychange to hidden (the page may stay): keepalive under the usual 15 s lease, key kept', async () => {
    const storage = mapStorage();
    const { delivery } = setup({ storage, api: fakeApi(() => 'hang') });
    delivery.send(event('ada', 'a1'));
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(stored(storage)[0].lease).toBe(Date.now() + 15_000);
    expect(alive(storage)).toEqual([Date.now()]);
  });

  test.each([
    ['one storage', () => { const s = mapStorage(); return [s, s]; }],
    // As Chromium syncs localStorage between tab processes: a read-modify-write of one shared key loses records.
    ['storage synced between tabs 50 ms late', () => laggedStorages(2, 50)],
  ])('two tabs over %s: each sends its own records, each exactly once', async (_, storages) => {
    const [one, two] = storages();
    const a = setup({ storage: one, api: fakeApi(undefined, 40) });
    const b = setup({ storage: two, api: fakeApi(undefined, 70) });
    const sent: string[] = [];
    const byB: string[] = [];
    for (let i = 0; i < 60; i++) {
      const request = event(`v${i % 7}`, `u${i}`);
      sent.push(`u${i}`);
      if (!(i % 3)) byB.push(`u${i}`);
      (i % 3 ? a : b).delivery.send(request);
      if (i % 10 == 0) await vi.advanceTimersByTimeAsync(25);
    }
    void a.delivery.flush();
    void b.delivery.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    const delivered = [...a.api.hits, ...b.api.hits].flatMap(uniqueIds);
    expect(delivered.sort()).toEqual(sent.sort());
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(b.api.hits.flatMap(uniqueIds).sort()).toEqual(byB.sort());
    expect(stored(one)).toEqual([]);
    expect(stored(two)).toEqual([]);
  });

  test('a page that went silent (crashed): its records are adopted after 10 s and sent once; a live page is left alone', async () => {
    const storage = mapStorage();
    const deadKey = await crashedPage(storage, profile('ada'), event('ada', 'a1'));
    let id: string | undefined;
    const other = setup({ storage, companyId: () => id });
    other.delivery.send(event('eve', 'e1'));
    await other.run(9000);
    expect(keys(storage)).toContain(deadKey);
    await other.run(3000);
    expect(keys(storage)).not.toContain(deadKey);
    id = 'AbC123';
    await other.run();
    expect(other.api.hits.map((h) => [h.endpoint, uniqueIds(h)])).toEqual([['profiles', []], ['events', ['a1']], ['events', ['e1']]]);
    // A live page, silent on the network (no company id) but with its heartbeat, keeps its record.
    const live = setup({ storage, companyId: () => undefined });
    live.delivery.send(event('fay', 'f1'));
    other.delivery.send(event('eve', 'e2'));
    await other.run(60_000);
    expect(other.api.hits.flatMap(uniqueIds)).toEqual(['a1', 'e1', 'e2']);
    expect(stored(storage).map((r) => r.uid)).toEqual(['f1']);
    expect(Date.now() - alive(storage)[0]).toBeLessThanOrEqual(3000);
  });

  test('a page that comes back from the bfcache after its records were adopted does not send them again', async () => {
    const storage = mapStorage();
    // Offline: a1 fails once and waits its backoff, b1 behind it; nothing goes on pagehide.
    const page = setup({ storage, api: fakeApi(() => 'network') });
    page.delivery.send(event('ada', 'a1'));
    page.delivery.send(event('bob', 'b1'));
    await page.run();
    window.dispatchEvent(new Event('pagehide'));
    expect(page.api.hits).toHaveLength(1);
    vi.clearAllTimers(); // the document is gone: its timers never run
    const next = setup({ storage });
    await next.run(1000);
    expect(next.api.hits.flatMap(uniqueIds)).toEqual(['a1', 'b1']);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await page.run(60_000);
    expect(page.delivery.pending()).toBe(0);
    expect(page.api.hits).toHaveLength(1);
    expect(next.api.hits).toHaveLength(2);
  });

  test('a page back from the bfcache before anyone adopted its records sends them itself, once', async () => {
    const storage = mapStorage();
    let id: string | undefined;
    const page = setup({ storage, companyId: () => id });
    page.delivery.send(event('ada', 'a1'));
    await page.run();
    window.dispatchEvent(new Event('pagehide'));
    expect(alive(storage)).toEqual([0]);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(alive(storage)).toEqual([Date.now()]); // under a new key, alive again
    id = 'AbC123';
    await page.run(60_000);
    expect(page.api.hits.flatMap(uniqueIds)).toEqual(['a1']);
    expect(stored(storage)).toEqual([]);
  });

  test('removes the legacy shared outbox key: its records name no account, so none is sent', async () => {
    const storage = mapStorage();
    const old = setup({ storage: mapStorage(), companyId: () => undefined });
    old.delivery.send(event('ada', 'a1'));
    await old.run();
    storage.setItem(key, JSON.stringify(stored(old.storage).map((r) => Object.assign(r, { lease: { tab: 'x', until: Date.now() - 1 } }))));
    const next = setup({ storage });
    next.delivery.send(event('bob', 'b1'));
    await next.run();
    expect(next.api.hits.flatMap(uniqueIds)).toEqual(['b1']);
    expect(keys(storage)).toEqual([]);
  });

  test('no company id: one error, after the first tick (a queued account() may come first), never before', async () => {
    let id: string | undefined;
    const { delivery, log, api, run } = setup({ companyId: () => id });
    delivery.send(event());
    await delivery.flush();
    expect(log.error).not.toHaveBeenCalled();
    await run(60_000);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0][0]).toBe('no company_id set: requests wait for klaviyo.account("…")');
    id = 'AbC123';
    await run();
    expect(api.hits).toHaveLength(1);
    const early = setup({ companyId: () => id });
    early.delivery.send(event());
    await early.run();
    expect(early.log.error).not.toHaveBeenCalled();
  });

  test('stop() ends a drain already running: nothing is sent after it', async () => {
    const { delivery, api } = setup({ api: fakeApi(undefined, 100) });
    for (let i = 0; i < 5; i++) delivery.send(profile(`v${i}`));
    await vi.advanceTimersByTimeAsync(150);
    const before = api.hits.length;
    expect(before).toBeGreaterThan(0);
    delivery.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.hits.length).toBe(before + 0);
    expect(delivery.pending()).toBeLessThan(5);
  });

  test('falls back to memory when storage is full, and still delivers', async () => {
    const storage = mapStorage();
    storage.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    const { delivery, api, log, run } = setup({ storage });
    delivery.send(event('ada', 'a1'));
    delivery.send(event('bob', 'b1'));
    await run();
    expect(api.hits).toHaveLength(2);
    expect(log.debug).toHaveBeenCalledTimes(1);
  });

  test("clear() drops everything pending: this page's, other pages' and the legacy key", async () => {
    const { delivery, api, storage, run } = setup({ companyId: () => undefined });
    const other = setup({ storage, companyId: () => undefined });
    other.delivery.send(event());
    delivery.send(event());
    await run();
    storage!.setItem(key, '[]');
    storage!.setItem('unrelated', '1');
    delivery.send(event());
    expect(keys(storage!)).toHaveLength(3);
    delivery.clear();
    expect(delivery.pending()).toBe(0);
    expect(other.delivery.pending()).toBe(0);
    expect(keys(storage!)).toEqual([]);
    expect(storage!.getItem('unrelated')).toBe('1');
    await run(10_000);
    expect(api.hits).toHaveLength(0);
  });
});

describe('leaving the page', () => {
  const big = () => ({ note: 'x'.repeat(2000) });

  test('pagehide sends what fits 64 KB with keepalive; records stay until confirmed, and the next load resends them', async () => {
    const storage = mapStorage();
    const page = setup({ storage, api: fakeApi(() => 'hang') });
    const uids = Array.from({ length: 60 }, (_, i) => `u${i}`);
    uids.forEach((uid, i) => page.delivery.send(event(`v${i}`, uid, big())));
    window.dispatchEvent(new Event('pagehide'));
    const hits = page.api.hits;
    await vi.waitFor(() => expect(hits.length).toBeGreaterThan(20));
    expect(hits.every((h) => h.keepalive)).toBe(true);
    expect(hits.reduce((n, h) => n + h.bytes, 0)).toBeLessThanOrEqual(65_536);
    expect(hits.length).toBeLessThan(60);
    expect(hits.flatMap(uniqueIds)).toEqual(uids.slice(0, hits.length));
    // A second signal sends nothing twice: the budget is spent.
    document.dispatchEvent(new Event('visibilitychange'));
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(page.api.hits.length).toBe(hits.length);
    expect(stored(storage)).toHaveLength(60);
    page.delivery.stop();

    const next = setup({ storage });
    await next.run(1000);
    await next.run(1000);
    expect(next.api.hits.flatMap(uniqueIds)).toEqual(uids);
    expect(stored(storage)).toEqual([]);
  });

  test('visibilitychange to hidden flushes with keepalive; answered records leave the outbox', async () => {
    const { delivery, api, storage } = setup();
    delivery.send(profile('ada'));
    delivery.send(event('ada', 'a1'));
    delivery.send(event('ada', 'a2'));
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(stored(storage)).toEqual([]));
    expect(api.hits.map((h) => [h.endpoint, h.keepalive])).toEqual([
      ['profiles', true],
      ['event-bulk-create', true],
    ]);
  });

  test('listens to pagehide and visibilitychange, never unload or beforeunload', () => {
    const onWindow = vi.spyOn(window, 'addEventListener');
    const onDocument = vi.spyOn(document, 'addEventListener');
    const offWindow = vi.spyOn(window, 'removeEventListener');
    const { delivery } = setup();
    const added = [...onWindow.mock.calls, ...onDocument.mock.calls].map((c) => c[0]);
    // Not "storage" either: subscribing costs every page load a round trip to the browser process.
    expect(added.sort()).toEqual(['pagehide', 'pageshow', 'visibilitychange']);
    expect(added).not.toContain('unload');
    expect(added).not.toContain('beforeunload');
    delivery.stop();
    expect(offWindow).toHaveBeenCalledWith('pagehide', expect.any(Function));
  });
});

describe('pace and volume', () => {
  test('5,000 sends stay within every endpoint limit and all arrive once', { timeout: 60_000 }, async () => {
    const { delivery, api, log, run } = setup();
    const sent: string[] = [];
    const send = (key: string) => {
      const request = event(key);
      sent.push(request.uniqueId!);
      delivery.send(request);
    };
    // 300 visitors with one event each and 2,700 events in runs of 15 per visitor; 2,000 more in runs of 20
    // half a minute later (the outbox caps what one tight loop can queue at 500 requests).
    for (let i = 0; i < 3000; i++) send(i < 300 ? `single${i}` : `run${Math.floor(i / 15)}`);
    await run(30_000);
    for (let i = 0; i < 2000; i++) send(`later${Math.floor(i / 20)}`);
    for (let i = 0; i < 12; i++) await run(30_000);
    expect(log.error).not.toHaveBeenCalled();
    expect(api.hits.flatMap(uniqueIds).sort()).toEqual(sent.sort());
    const of = (endpoint: string) => api.hits.filter((h) => h.endpoint == endpoint);
    expect(of('events')).toHaveLength(300);
    expect(most(of('events'), 1000)).toBeLessThanOrEqual(350);
    expect(most(of('events'), 60_000)).toBeLessThanOrEqual(3500);
    expect(of('event-bulk-create')).toHaveLength(280);
    expect(most(of('event-bulk-create'), 1000)).toBeLessThanOrEqual(10);
    expect(most(of('event-bulk-create'), 60_000)).toBeLessThanOrEqual(150);
    console.log(`5,000 sends: ${api.hits.length} requests over ${(api.hits.at(-1)!.at - api.hits[0].at) / 1000} s`);
  });

  test('10,000 events from a busy page arrive in at most 15 requests', async () => {
    // 100 events every 30 ms for 3 s, answered in 300 ms: the backlog stays under the outbox cap.
    const { delivery, api, log } = setup({ api: fakeApi(undefined, 300) });
    const sent: string[] = [];
    for (let burst = 0; burst < 100; burst++) {
      for (let i = 0; i < 100; i++) {
        const request = event('ada');
        sent.push(request.uniqueId!);
        delivery.send(request);
      }
      await vi.advanceTimersByTimeAsync(30);
    }
    for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(1000);
    const delivered = api.hits.flatMap(uniqueIds);
    console.log(`10,000 events: ${api.hits.length} requests`);
    expect(log.error).not.toHaveBeenCalled();
    expect(delivered.sort()).toEqual(sent.sort());
    expect(api.hits.length).toBeLessThanOrEqual(15);
    expect(delivery.pending()).toBe(0);
  });

  test.each([
    [0, 0],
    [0, 1],
    [4, 0],
    [4, 1],
    [4, 5],
  ])('track() in bursts of 500, yielding %i ms between them, answered in %i ms: bulks of 1,000, not one request per burst', { timeout: 60_000 }, async (yieldMs, latency) => {
    const { delivery, api, log, run } = setup({ api: fakeApi(undefined, latency) });
    const sent: string[] = [];
    // As a page's loop that yields to the event loop between bursts with setTimeout 0, which browsers run 4 ms
    // later once nested (or 1 ms later, as this fake clock runs it).
    let done = false;
    void (async () => {
      for (let burst = 0; burst < 20; burst++) {
        for (let i = 0; i < 500; i++) {
          const request = event('ada');
          sent.push(request.uniqueId!);
          delivery.send(request);
        }
        await new Promise((ok) => setTimeout(ok, yieldMs));
      }
      done = true;
    })();
    // The fake clock runs a zero-delay timer set while it runs 1 ms later: 1 ms steps keep the order.
    while (!done) await vi.advanceTimersByTimeAsync(1);
    for (let i = 0; i < 5; i++) await run(1000);
    expect(log.error).not.toHaveBeenCalled();
    expect(api.hits.flatMap(uniqueIds)).toEqual(sent);
    expect(api.hits.map((h) => uniqueIds(h).length)).toEqual(Array(10).fill(1000));
    expect(delivery.pending()).toBe(0);
  });

  test('a bulk waits for more events 1 s at most, however fast the page keeps tracking', async () => {
    const { delivery, api, run } = setup();
    const start = Date.now();
    // Three events every 5 ms (each three in a task of their own) for 3 s: 1,000 would take 1.7 s.
    for (let i = 0; i < 600; i++) {
      for (let j = 0; j < 3; j++) delivery.send(event('ada'));
      await vi.advanceTimersByTimeAsync(5);
    }
    await run(1000);
    expect(api.hits[0].at - start).toBeLessThanOrEqual(1010);
    expect(api.hits.flatMap(uniqueIds)).toHaveLength(1800);
  });

  test('a bulk waits for more events only while they keep coming: 10 ms after the last one, it goes', async () => {
    const { delivery, api } = setup();
    delivery.send(event('ada', 'a1'));
    await vi.advanceTimersByTimeAsync(1);
    delivery.send(event('ada', 'a2'));
    delivery.send(event('ada', 'a3'));
    // The lone event went at once; the bulk after it waits while the page may go on.
    await vi.advanceTimersByTimeAsync(5);
    expect(api.hits.map(uniqueIds)).toEqual([['a1']]);
    delivery.send(event('ada', 'a4'));
    await vi.advanceTimersByTimeAsync(9);
    expect(api.hits.map(uniqueIds)).toEqual([['a1']]);
    await vi.advanceTimersByTimeAsync(2);
    expect(api.hits.map(uniqueIds)).toEqual([['a1'], ['a2', 'a3', 'a4']]);
  });
});
