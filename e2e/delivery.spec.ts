import type { Page } from '@playwright/test';
import type { EmulatorRecord } from '../demo-site/emulator/server.mjs';
import { chromium } from '@playwright/test';
import { chromiumPath, CHROMIUM_FLAGS } from './browser';
import { accepted, expect, test } from './fixtures';

// The delivery layer under injected faults, in real Chromium: every test counts exactly what the emulator
// received, by unique_id, across retries, reloads, origins and the back/forward cache.

const KEY = 'AbC123';
// Active on Site is off: faults go to the next request, which must be the event under test, not the page load's
// __activity__ (which took the 429 in one run).
const tag = (api: string) => `<script async src="/klaviyo-lite.js?company_id=${KEY}" data-api-base="${api}" data-activity="off"></script>`;
const shopPage = (api: string) => `<!doctype html><title>shop</title>${tag(api)}`;

type Emulator = { url: string; requests(): EmulatorRecord[] };

/** Loads `url` and waits for the live client (klaviyoLite is only set once the script ran). */
async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForFunction(() => (window as any).klaviyoLite?.__klaviyoLite === true);
}

/** identify (anonymous visitors' events are dropped), waiting for the profile to be accepted. */
async function identify(page: Page, emulator: Emulator, email: string) {
  await page.evaluate((email) => (window as any).klaviyoLite.identify({ email }), email);
  await expect.poll(() => accepted(emulator).filter((r) => r.endpoint === 'profiles').length, { intervals: [50] }).toBe(1);
}

/** track; true when queued. */
const track = (page: Page, metric: string, properties: Record<string, unknown> = {}) =>
  page.evaluate(([metric, properties]) => (window as any).klaviyoLite.track(metric, properties), [metric, properties] as const);

/** Every record carrying one of `metric`'s events (bulk included), with that event's unique_id. */
const tries = (emulator: Emulator, metric: string) =>
  emulator.requests().flatMap((r) => {
    const events: any[] =
      r.endpoint === 'event-bulk-create' ? (r.body as any).data.attributes.events.data
      : r.endpoint === 'events' ? [(r.body as any).data]
      : [];
    return events
      .filter((e) => e.attributes.metric.data.attributes.name === metric)
      .map((e) => ({ verdict: r.verdict, status: r.status, time: Date.parse(r.time), uid: e.attributes.unique_id as string, fault: r.fault }));
  });

/** Accepted (counted, not deduplicated) deliveries per unique_id of `metric`. */
const countedByUid = (emulator: Emulator, metric: string) => {
  const counts: Record<string, number> = {};
  for (const t of tries(emulator, metric)) if (t.verdict === 'accepted') counts[t.uid] = (counts[t.uid] ?? 0) + 1;
  return counts;
};

/** Every record in the origin's outbox: each page's key `__kla_outbox.<page>` ({ alive, records }). */
const readOutbox = () =>
  Object.keys(localStorage)
    .filter((k) => k.startsWith('__kla_outbox'))
    .flatMap((k) => {
      const value = JSON.parse(localStorage.getItem(k)!);
      return Array.isArray(value) ? value : value.records;
    });
const outboxOf = (page: Page): Promise<any[]> => page.evaluate(readOutbox);

/** Chromium as the fixtures launch it, but with the back/forward cache that Playwright disables by default. */
const bfcacheBrowser = async () =>
  chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_FLAGS, headless: true, ignoreDefaultArgs: ['--disable-back-forward-cache'] });

const admin = (emulator: Emulator, path: string, body: unknown) =>
  fetch(`${emulator.url}/__emulator/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

test('(a) 429 with Retry-After: 1, then 503, then success: one event, accepted once, the retry waits out Retry-After', async ({ page, emulator, site }) => {
  const shop = await site({ '/': shopPage(emulator.url) });
  await open(page, `${shop.url}/`);
  await identify(page, emulator, 'a@shop.example');
  emulator.setFaults([{ status: 429, retryAfter: 1 }, { status: 503 }]);
  expect(await track(page, 'Fault Ladder')).toBe(true);
  await expect.poll(() => tries(emulator, 'Fault Ladder').length, { intervals: [100] }).toBe(3);
  await page.waitForTimeout(300); // nothing else may follow
  const t = tries(emulator, 'Fault Ladder');
  expect(t.map((x) => [x.status, x.verdict])).toEqual([[429, 'fault'], [503, 'fault'], [202, 'accepted']]);
  expect(new Set(t.map((x) => x.uid)).size).toBe(1);
  expect(t[1].time - t[0].time, 'second try after Retry-After: 1').toBeGreaterThanOrEqual(1000);
  expect(Object.values(countedByUid(emulator, 'Fault Ladder'))).toEqual([1]);
  console.log(`(a) tries at +0, +${t[1].time - t[0].time} ms, +${t[2].time - t[0].time} ms`);
});

test('(b) the API unreachable for 3 s, then a reload: the outbox in localStorage is sent by the next page load, once', async ({ page, emulator, site }) => {
  const shop = await site({ '/': shopPage(emulator.url) });
  await open(page, `${shop.url}/`);
  await identify(page, emulator, 'b@shop.example');
  // One event first, so the preflight of /client/events is cached and the tries during the outage reach
  // the emulator's record (an offline emulator drops preflights unrecorded).
  await track(page, 'Warm Up');
  await expect.poll(() => Object.keys(countedByUid(emulator, 'Warm Up')).length, { intervals: [50] }).toBe(1);
  await admin(emulator, 'offline', { ms: 3000 });
  const offline = Date.now();
  expect(await track(page, 'During Outage')).toBe(true);
  await expect.poll(() => outboxOf(page).then((o) => o[0]?.tries), { intervals: [50] }).toBeGreaterThan(0);
  expect(countedByUid(emulator, 'During Outage'), 'nothing accepted before the reload').toEqual({});
  // The fake clock (flowing at real speed) is only there to skip the tail of the backoff: after 4–6 tries
  // in the outage, full jitter may wait up to 8–32 s; the test fast-forwards through it.
  await page.clock.install();
  const reloaded = Date.now();
  await page.reload();
  await page.waitForFunction(() => (window as any).klaviyoLite?.__klaviyoLite === true);
  await page.waitForTimeout(Math.max(0, offline + 3100 - Date.now()));
  const pending = await outboxOf(page);
  const waitLeft = pending[0] ? Math.round(pending[0].at - (await page.evaluate(() => Date.now()))) : 0;
  await page.clock.fastForward(60_000);
  await expect.poll(() => Object.keys(countedByUid(emulator, 'During Outage')).length, { intervals: [100] }).toBe(1);
  const done = Date.now();
  await expect.poll(() => outboxOf(page).then((o) => o.length), { intervals: [100] }).toBe(0);
  await page.waitForTimeout(300);
  const t = tries(emulator, 'During Outage');
  expect(new Set(t.map((x) => x.uid)).size).toBe(1);
  expect(t.filter((x) => x.verdict !== 'fault').map((x) => x.verdict)).toEqual(['accepted']);
  expect(Object.values(countedByUid(emulator, 'During Outage'))).toEqual([1]);
  console.log(`(b) ${t.length} tries (${t.map((x) => x.verdict).join(', ')}); reload ${reloaded - offline} ms into the 3 s outage; when it ended: ${pending.length ? `${pending[0].tries} tries, next in ${waitLeft} ms (fast-forwarded)` : 'already sent'}; accepted ${done - reloaded} ms after the reload`);
});

// Records sent by the pagehide keepalive flush, and those in flight then, get a 1 s lease only, and the page
// releases its key: the next page load adopts them at once and sends them again unless confirmed (a
// deduplicated redelivery), instead of waiting out a 15 s lease held by a page that died.
test('(b2) reload while a request is in flight and another is queued: the next page sends at once', async ({ page, emulator, site }) => {
  const shop = await site({ '/': shopPage(emulator.url) });
  await open(page, `${shop.url}/`);
  await identify(page, emulator, 'b2@shop.example');
  emulator.setFaults([{ delayMs: 2000 }]); // the head hangs 2 s: in flight at the reload
  await track(page, 'Slow Head');
  await page.waitForTimeout(300);
  await track(page, 'Queued Behind'); // a second record, sent by the keepalive flush on pagehide
  await page.reload();
  await page.waitForFunction(() => (window as any).klaviyoLite?.__klaviyoLite === true);
  const leased = (await outboxOf(page)).filter((r: any) => r.lease).map((r: any) => r.lease - Date.now());
  console.log(`(b2) after the reload, outbox records leased by the page that died for another: ${leased.map((ms: number) => `${ms} ms`).join(', ') || 'none'}`);
  const reloaded = Date.now();
  await track(page, 'After Reload');
  await expect.poll(() => Object.keys(countedByUid(emulator, 'After Reload')).length, { intervals: [100], timeout: 4000 }).toBe(1);
  console.log(`(b2) "After Reload" accepted ${Date.now() - reloaded} ms after the reload`);
});

// The same with the back/forward cache on (Chromium's default; Playwright turns it off): the page left is
// frozen with its request in flight, so it can neither settle it nor give its lease back.
test('(b3) same-origin navigation with the bfcache on, a request in flight: the next page sends at once', async ({ emulator, site }) => {
  const browser = await bfcacheBrowser();
  try {
    const page = await browser.newPage();
    const shop = await site({ '/': shopPage(emulator.url), '/next': shopPage(emulator.url) });
    await open(page, `${shop.url}/`);
    await identify(page, emulator, 'b3@shop.example');
    emulator.setFaults([{ delayMs: 1000 }]); // the request in flight as the visitor moves on
    await track(page, 'Slow Head');
    await page.waitForTimeout(200);
    await open(page, `${shop.url}/next`);
    const leased = (await outboxOf(page)).filter((r: any) => r.lease).map((r: any) => r.lease - Date.now());
    console.log(`(b3) on the next page, outbox records leased by the frozen page for another: ${leased.map((ms: number) => `${ms} ms`).join(', ') || 'none'}`);
    const moved = Date.now();
    await track(page, 'On Next Page');
    await expect.poll(() => Object.keys(countedByUid(emulator, 'On Next Page')).length, { intervals: [100], timeout: 4000 }).toBe(1);
    console.log(`(b3) "On Next Page" accepted ${Date.now() - moved} ms after the navigation`);
  } finally {
    await browser.close();
  }
});

test('(c) context offline while tracking 5 events, back online: all accepted, once each', async ({ page, emulator, site }) => {
  const shop = await site({ '/': shopPage(emulator.url) });
  await open(page, `${shop.url}/`);
  await identify(page, emulator, 'c@shop.example');
  await page.context().setOffline(true);
  for (let i = 0; i < 5; i++) {
    expect(await track(page, 'Offline Event', { i })).toBe(true);
    await page.waitForTimeout(200);
  }
  await page.waitForTimeout(1000);
  expect(tries(emulator, 'Offline Event'), 'nothing reaches the API while offline').toEqual([]);
  const pending = await outboxOf(page);
  const online = Date.now();
  await page.context().setOffline(false);
  await expect.poll(() => Object.keys(countedByUid(emulator, 'Offline Event')).length, { intervals: [100], timeout: 20_000 }).toBe(5);
  const after = Date.now() - online;
  await page.waitForTimeout(300);
  expect(Object.values(countedByUid(emulator, 'Offline Event'))).toEqual([1, 1, 1, 1, 1]);
  expect(accepted(emulator).filter((r) => r.metric === 'Offline Event').map((r) => r.properties.i)).toEqual([0, 1, 2, 3, 4]);
  console.log(`(c) ${pending.length} outbox record(s) while offline (tries ${pending.map((r: any) => r.tries)}); all 5 accepted ${after} ms after going online`);
});

test('(d) track, then at once off to another origin: the pagehide keepalive flush delivers it', async ({ page, emulator, site }) => {
  // Two shops (two origins, two outboxes), so that the second case does not inherit the first one's outbox.
  const shop = await site({ '/': shopPage(emulator.url) });
  const slowShop = await site({ '/': shopPage(emulator.url) });
  const other = await site({ '/': '<!doctype html><title>elsewhere</title><p>another origin' });
  await open(page, `${shop.url}/`);
  await identify(page, emulator, 'd@shop.example');
  // Alone, the event may go out by the ordinary path before the next page commits (on localhost it often does).
  await page.evaluate((to) => {
    (window as any).klaviyoLite.track('Left At Once');
    location.href = to;
  }, `${other.url}/`);
  await page.waitForURL(`${other.url}/`);
  await expect.poll(() => Object.values(countedByUid(emulator, 'Left At Once')), {
    intervals: [100], message: '"Left At Once" (sent alone, then off to another origin) accepted once',
  }).toEqual([1]);
  // Behind the one ordinary request, held in flight (2 s): only the keepalive flush can send it in time.
  await open(page, `${slowShop.url}/`);
  emulator.setFaults([{ delayMs: 2000 }]);
  await track(page, 'Slow Head');
  await page.waitForTimeout(200);
  const left = Date.now();
  await page.evaluate((to) => {
    (window as any).klaviyoLite.track('Left Behind Slow Head');
    location.href = to;
  }, `${other.url}/`);
  await page.waitForURL(`${other.url}/`);
  await expect.poll(() => Object.values(countedByUid(emulator, 'Left Behind Slow Head')), {
    intervals: [50], message: '"Left Behind Slow Head" accepted once',
  }).toEqual([1]);
  const t = tries(emulator, 'Left Behind Slow Head');
  expect(t.map((x) => x.verdict)).toEqual(['accepted']);
  expect(t[0].time - left, 'sent while the ordinary request was still in flight: by the keepalive flush').toBeLessThan(1500);
  await page.waitForTimeout(2000);
  expect(Object.values(countedByUid(emulator, 'Left At Once'))).toEqual([1]);
  expect(Object.values(countedByUid(emulator, 'Left Behind Slow Head'))).toEqual([1]);
  console.log(`(d) alone: ${tries(emulator, 'Left At Once').map((x) => x.verdict)}; behind a request in flight: accepted ${t[0].time - left} ms after leaving; the slow head: ${tries(emulator, 'Slow Head').map((x) => x.verdict)}`);
});

// (b2) across a visit: page 1's keepalive-sent record must not hold up page 2's events, nor page 2's own
// pagehide flush, when the visitor leaves the site soon after.
test('(d2) page 1 flushes by keepalive, page 2 tracks and leaves the site within 15 s: page 2\'s event is sent', async ({ page, emulator, site }) => {
  const shop = await site({ '/': shopPage(emulator.url), '/next': shopPage(emulator.url), '/peek': '<!doctype html><title>no script</title>' });
  const other = await site({ '/': '<!doctype html><title>elsewhere</title><p>another origin' });
  await open(page, `${shop.url}/`);
  await identify(page, emulator, 'd2@shop.example');
  emulator.setFaults([{ delayMs: 2000 }]);
  await track(page, 'Slow Head');
  await page.waitForTimeout(200);
  await page.evaluate(() => (window as any).klaviyoLite.track('Sent By Keepalive'));
  await open(page, `${shop.url}/next`);
  await page.evaluate((to) => {
    (window as any).klaviyoLite.track('Tracked On Page 2');
    setTimeout(() => (location.href = to), 500);
  }, `${other.url}/`);
  await page.waitForURL(`${other.url}/`);
  const pending = await (async () => {
    const p2 = await page.context().newPage(); // the shop's outbox, as the visitor left it (a page without the script)
    await p2.goto(`${shop.url}/peek`);
    const list = await p2.evaluate(readOutbox);
    await p2.close();
    return list.map((r: any) => `${r.body.data.attributes.metric?.data.attributes.name ?? r.body.data.attributes.events?.data.map((e: any) => e.attributes.metric.data.attributes.name)}${r.lease ? ' (leased)' : ''}`);
  })();
  console.log(`(d2) left behind in the shop's outbox: ${pending.join(', ') || 'nothing'}; accepted: ${accepted(emulator).map((r) => r.metric).filter(Boolean).join(', ')}`);
  await expect.poll(() => Object.values(countedByUid(emulator, 'Tracked On Page 2')), { intervals: [100], timeout: 3000 }).toEqual([1]);
});

test('(e) 500 track calls in one loop: all 500 accepted once, no 429', async ({ page, emulator, site }) => {
  const shop = await site({ '/': shopPage(emulator.url) });
  await open(page, `${shop.url}/`);
  await identify(page, emulator, 'e@shop.example');
  const ms = await page.evaluate(() => {
    const k = (window as any).klaviyoLite;
    const start = performance.now();
    for (let i = 0; i < 500; i++) k.track('Burst', { i });
    return performance.now() - start;
  });
  await expect.poll(() => Object.keys(countedByUid(emulator, 'Burst')).length, { intervals: [100] }).toBe(500);
  await page.waitForTimeout(300);
  expect(Object.values(countedByUid(emulator, 'Burst')).filter((n) => n !== 1)).toEqual([]);
  expect(emulator.requests().filter((r) => r.verdict === 'throttled')).toEqual([]);
  expect(new Set(accepted(emulator).filter((r) => r.metric === 'Burst').map((r) => r.properties.i)).size).toBe(500);
  const requests = emulator.requests().filter((r) => r.endpoint !== 'profiles');
  console.log(`(e) 500 track() calls took ${ms.toFixed(1)} ms in the page; sent as ${requests.length} request(s): ${requests.map((r) => `${r.endpoint}×${r.uniqueIds?.length}`).join(', ')}`);
});

// Playwright starts Chromium with --disable-back-forward-cache: this test uses a browser of its own, without.
test('(f) back/forward cache: the script adds no reason for a page not to be restored', async ({ emulator, site }) => {
  const browser = await bfcacheBrowser();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.enable');
  let reasons: unknown[] = [];
  cdp.on('Page.backForwardCacheNotUsed', (e) => (reasons = e.notRestoredExplanations.map((x) => x.reason)));
  const probe = `<script>window.shows = []; addEventListener('pageshow', (e) => shows.push(e.persisted));</script>`;
  const shop = await site({
    '/with': `<!doctype html><title>with</title>${probe}${tag(emulator.url)}`,
    '/without': `<!doctype html><title>without</title>${probe}`,
    '/away': '<!doctype html><title>away</title>',
  });
  const visit = async (path: string, use?: () => Promise<void>) => {
    reasons = [];
    await page.goto(`${shop.url}${path}`);
    await use?.();
    await page.evaluate(() => ((window as any).marker = 'still here'));
    await page.goto(`${shop.url}/away`);
    await page.goBack({ waitUntil: 'commit' }); // a page restored from the cache fires no load event
    await page.waitForFunction(() => document.readyState === 'complete' && (window as any).shows?.length > 0);
    await page.waitForTimeout(100);
    const result = await page.evaluate(() => ({
      restored: (window as any).marker === 'still here',
      persisted: (window as any).shows as boolean[],
      navigation: performance.getEntriesByType('navigation')[0].toJSON().type as string,
      notRestoredReasons: (performance.getEntriesByType('navigation')[0] as any).notRestoredReasons ?? null,
    }));
    return { ...result, reasons };
  };
  try {
    const without = await visit('/without');
    const withScript = await visit('/with', async () => {
      await page.waitForFunction(() => (window as any).klaviyoLite?.__klaviyoLite === true);
      await page.evaluate(() => (window as any).klaviyoLite.identify({ email: 'f@shop.example' }));
      await page.evaluate(() => (window as any).klaviyoLite.track('Before Leaving'));
      await expect.poll(() => Object.keys(countedByUid(emulator, 'Before Leaving')).length, { intervals: [50] }).toBe(1);
      await expect.poll(() => outboxOf(page).then((o) => o.length), { intervals: [50] }).toBe(0);
    });
    // Not asserted: leaving right after a track, while its request may be in flight.
    const leavingAtOnce = await visit('/with', async () => {
      await page.waitForFunction(() => (window as any).klaviyoLite?.__klaviyoLite === true);
      await page.evaluate(() => (window as any).klaviyoLite.track('Leaving At Once'));
    });
    console.log(`(f) without the script:   ${JSON.stringify(without)}\n(f) with the script:      ${JSON.stringify(withScript)}\n(f) left right after a track: ${JSON.stringify(leavingAtOnce)}`);
    // The Chromium inside @sparticuz/chromium (used where Debian's is missing) is a headless shell with no
    // back/forward cache at all: there, only "the script adds no reason of its own" can be checked.
    const noCache = (without.reasons as string[]).includes('BackForwardCacheDisabledForDelegate');
    const outcome = (r: typeof without) => ({
      restored: r.restored,
      persisted: r.persisted,
      reasons: r.reasons,
      notRestored: r.notRestoredReasons && (r.notRestoredReasons as { reasons?: unknown }).reasons,
    });
    if (noCache) test.info().annotations.push({ type: 'note', description: 'this Chromium build has no back/forward cache' });
    else expect(without).toMatchObject({ restored: true, persisted: [false, true], reasons: [] });
    expect(outcome(withScript)).toEqual(outcome(without));
    await expect.poll(() => Object.values(countedByUid(emulator, 'Leaving At Once')), { intervals: [50] }).toEqual([1]);
    expect(Object.values(countedByUid(emulator, 'Before Leaving'))).toEqual([1]);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
