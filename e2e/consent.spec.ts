import { chromium, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { chromiumPath, CHROMIUM_FLAGS } from './browser';
import { startDemo } from '../demo-site/start.mjs';
import { accepted, expect, test } from './fixtures';

// data-consent="required" against a fake of each consent platform (e2e/fixtures/consent/), in a real browser,
// with the emulator cross-origin. The fakes keep the visitor's choice in their own localStorage keys.
const KEY = 'AbC123';
const SOURCES = ['gcm', 'shopify', 'onetrust', 'cookiebot', 'tcf'];
const fake = (name: string) => readFileSync(new URL(`./fixtures/consent/${name}.js`, import.meta.url), 'utf8');
const js = (body: string) => ({ body, headers: { 'content-type': 'text/javascript' } });

const shopPage = (api: string) => `<!doctype html><title>shop</title><script src="/stub.js"></script><script src="/cmp.js"></script>
  <script async src="/klaviyo-lite.js?company_id=${KEY}" data-api-base="${api}" data-consent="required" data-activity="off" data-debug></script>`;
// Active on Site is off in these pages: they count the page's own calls (test/consent.test.ts covers it after a grant).

// Every cookie and web storage access made by our script itself (its file is the caller's), as the page runs; not
// the platforms' own, even when our script calls them.
const INSTRUMENT = `(() => {
  const touches = (window.__touches = []);
  // Error, ours(), the accessor, then its caller.
  const ours = () => /klaviyo-lite\\.js/.test((new Error().stack || '').split('\\n')[3] || '');
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() { if (ours()) touches.push('cookie read'); return cookie.get.call(this); },
    set(value) { if (ours()) touches.push('cookie write ' + value); cookie.set.call(this, value); },
  });
  for (const name of ['localStorage', 'sessionStorage']) {
    const storage = Object.getOwnPropertyDescriptor(window, name) || Object.getOwnPropertyDescriptor(Window.prototype, name);
    Object.defineProperty(window, name, { configurable: true, get() { if (ours()) touches.push(name); return storage.get.call(this); } });
  }
  for (const method of ['getItem', 'setItem', 'removeItem', 'key', 'clear']) {
    const original = Storage.prototype[method];
    Storage.prototype[method] = function (...args) { if (ours()) touches.push(method + ' ' + args[0]); return original.apply(this, args); };
  }
})();`;

/** What the page holds of ours: touches by our script, the __kla_id cookie, __kla_ storage keys. */
const traces = (page: Page) =>
  page.evaluate(() => ({
    touches: (window as any).__touches as string[],
    cookies: document.cookie.split('; ').filter((c) => c.startsWith('__kla')),
    keys: [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((k) => k.startsWith('__kla')),
  }));

/** The time of every event the emulator accepted, by metric, in the order received. */
const eventTimes = (emulator: { requests(): any[] }) =>
  emulator
    .requests()
    .filter((r) => r.verdict === 'accepted')
    .flatMap((r) => (r.endpoint === 'event-bulk-create' ? r.body.data.attributes.events.data : r.endpoint === 'events' ? [r.body.data] : []))
    .map((e: any) => [e.attributes.metric.data.attributes.name, Date.parse(e.attributes.time)] as [string, number]);

async function open(page: Page, url: string) {
  await page.addInitScript(INSTRUMENT);
  await page.goto(url);
  await page.waitForFunction(() => (window as any).klaviyoLite?.__klaviyoLite === true);
  // The platform fakes load asynchronously (20 ms): let them answer "no choice yet".
  await page.waitForTimeout(150);
}

for (const source of SOURCES) {
  test.describe(`consent from ${source}`, () => {
    test('nothing read, stored or sent before; on accept the held calls arrive in order with their own times', async ({ page, emulator, site }) => {
      const shop = await site({ '/': shopPage(emulator.url), '/cmp.js': js(fake(source)) });
      await open(page, `${shop.url}/`);
      const made = await page.evaluate(async () => {
        const k = (window as any).klaviyo;
        const times: number[] = [];
        const results: Promise<unknown>[] = [];
        times.push(Date.now());
        results.push(k.identify({ email: 'held@shop.example' }));
        times.push(Date.now());
        results.push(k.track('First Held', { n: 1 }));
        await new Promise((r) => setTimeout(r, 1100));
        times.push(Date.now());
        results.push(k.track('Second Held', { n: 2 }));
        (window as any).results = Promise.all(results);
        return times;
      });
      await page.waitForTimeout(300);
      expect(emulator.requests()).toEqual([]);
      expect(await traces(page)).toEqual({ touches: [], cookies: [], keys: [] });

      const grantedAt = await page.evaluate(() => {
        const at = Date.now();
        (window as any).fakeCmp.accept();
        return at;
      });
      await expect.poll(() => accepted(emulator).length).toBe(3);
      expect(accepted(emulator)).toMatchObject([
        { endpoint: 'profiles', attributes: { email: 'held@shop.example' } },
        { metric: 'First Held', properties: { n: 1 }, profile: { email: 'held@shop.example' } },
        { metric: 'Second Held', properties: { n: 2 } },
      ]);
      const [[, first], [, second]] = eventTimes(emulator);
      // Each event's time is when its call was made, not when consent came.
      expect(Math.abs(first - made[1])).toBeLessThanOrEqual(20);
      expect(Math.abs(second - made[2])).toBeLessThanOrEqual(20);
      expect(second).toBeLessThan(grantedAt);
      expect(await page.evaluate(() => (window as any).results)).toEqual([{ email: 'held@shop.example' }, true, true]);
      // Granted: the visitor is cookied now, and the instrument sees our script at work (it can fail).
      const granted = await traces(page);
      expect(granted.cookies).toHaveLength(1);
      expect(granted.touches).toContain('cookie read');
    });

    test('rejected: the held calls resolve false and nothing is sent or stored', async ({ page, emulator, site }) => {
      const shop = await site({ '/': shopPage(emulator.url), '/cmp.js': js(fake(source)) });
      await open(page, `${shop.url}/`);
      await page.evaluate(() => {
        const k = (window as any).klaviyo;
        (window as any).results = Promise.all([k.identify({ email: 'no@shop.example' }), k.track('Held')]);
        (window as any).fakeCmp.reject();
      });
      expect(await page.evaluate(() => (window as any).results)).toEqual([false, false]);
      expect(await page.evaluate(() => (window as any).klaviyo.track('After Reject'))).toBe(false);
      await page.waitForTimeout(500);
      expect(emulator.requests()).toEqual([]);
      expect(await traces(page)).toEqual({ touches: [], cookies: [], keys: [] });
    });

    test('withdrawn after accepting: cookie, outbox and lists removed, no cookie written, later calls dropped', async ({ page, emulator, site }) => {
      const shop = await site({ '/': shopPage(emulator.url), '/cmp.js': js(fake(source)), '/away': '<!doctype html><title>away</title>' });
      await open(page, `${shop.url}/`);
      await page.evaluate(() => (window as any).fakeCmp.accept());
      await page.waitForFunction(() => (window as any).klaviyo.identify({ email: 'gone@shop.example' }));
      await expect.poll(() => accepted(emulator).length).toBe(1);
      await page.evaluate(() => (window as any).klaviyo.trackViewedItem({ ItemId: '1', Title: 'Tee' }));
      // A request that keeps failing stays in the outbox.
      emulator.setFaults([{ status: 503, times: 1000 }]);
      expect(await page.evaluate(() => (window as any).klaviyo.track('Pending'))).toBe(true);
      await expect.poll(() => emulator.requests().length).toBeGreaterThan(1);
      expect((await traces(page)).keys.sort()).toEqual(expect.arrayContaining(['__kla_viewed']));

      await page.evaluate(() => ((window as any).__touches.length = 0));
      await page.evaluate(() => (window as any).fakeCmp.withdraw());
      await expect.poll(() => traces(page).then((t) => t.cookies)).toEqual([]);
      const after = await traces(page);
      expect(after.keys).toEqual([]);
      const writes = after.touches.filter((t) => t.startsWith('cookie write'));
      // Removals of __kla_id only (an empty value that expired): no __kla_off, nothing else.
      expect(writes.length).toBeGreaterThan(0);
      for (const write of writes) expect(write).toMatch(/^cookie write __kla_id=; path=\/; .*expires=/);
      expect(await page.evaluate(() => (window as any).klaviyo.track('After Withdraw'))).toBe(false);
      emulator.setFaults([]);
      await page.goto(`${shop.url}/away`);
      await page.goBack();
      await page.waitForTimeout(2500);
      expect(accepted(emulator).map((r: any) => r.metric || r.endpoint)).toEqual(['profiles']);
      expect((await traces(page)).cookies).toEqual([]);
    });
  });
}

// Playwright starts Chromium without the back/forward cache: this test uses a browser of its own, with it.
test('a page restored from the back/forward cache after a revoke sends nothing', async ({ emulator, site }) => {
  const browser = await chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_FLAGS, headless: true, ignoreDefaultArgs: ['--disable-back-forward-cache'] });
  try {
    const page = await browser.newPage();
    const shop = await site({ '/': shopPage(emulator.url), '/cmp.js': js(fake('gcm')), '/away': '<!doctype html><title>away</title>' });
    await open(page, `${shop.url}/`);
    await page.evaluate(() => (window as any).fakeCmp.accept());
    await page.evaluate(() => (window as any).klaviyo.identify({ email: 'bf@shop.example' }));
    await expect.poll(() => accepted(emulator).length).toBe(1);
    emulator.setFaults([{ status: 503, times: 1000 }]);
    await page.evaluate(() => (window as any).klaviyo.track('Pending'));
    await expect.poll(() => emulator.requests().length).toBeGreaterThan(1);
    await page.evaluate(() => {
      (window as any).fakeCmp.withdraw();
      (window as any).marker = 'still here';
    });
    emulator.setFaults([]);
    await page.goto(`${shop.url}/away`);
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForFunction(() => document.readyState === 'complete');
    const restored = await page.evaluate(() => (window as any).marker === 'still here');
    if (!restored) test.info().annotations.push({ type: 'note', description: 'this Chromium build has no back/forward cache: the page loaded afresh' });
    await page.waitForTimeout(2500);
    expect(accepted(emulator).map((r: any) => r.metric || r.endpoint)).toEqual(['profiles']);
    expect(await page.evaluate(() => (window as any).klaviyo.track('After'))).toBe(false);
  } finally {
    await browser.close();
  }
});

test('the demo shop\'s consent page: held until Accept, Reject discards, Withdraw forgets the visitor', async ({ page }) => {
  const demo = await startDemo({ shopPort: 0, emulatorPort: 0, activity: false });
  try {
    const emulator = demo.emulator!;
    await page.goto(`${demo.shopUrl}/consent`);
    await page.waitForFunction(() => (window as any).klaviyoLite?.__klaviyoLite === true);
    await page.fill('#cs-email', 'demo@shop.example');
    await page.click('#consent-form button');
    await page.click('#consent-track');
    await expect(page.locator('[data-calls] li')).toHaveText([/identify demo@shop.example: held$/, /track Viewed Consent Demo: held$/]);
    expect(emulator.requests()).toEqual([]);
    await page.click('button[data-consent="accept"]');
    await expect.poll(() => accepted(emulator).map((r: any) => r.metric || r.endpoint)).toEqual(['profiles', 'Viewed Consent Demo']);
    await expect(page.locator('[data-calls] li')).toHaveText([/: sent$/, /: sent$/]);
    await page.click('button[data-consent="withdraw"]');
    await expect.poll(() => page.evaluate(() => document.cookie.includes('__kla_id'))).toBe(false);
    await page.click('#consent-track');
    await expect(page.locator('[data-calls] li').nth(2)).toHaveText(/dropped \(false\)$/);
    // Rejected on the next page (the stored choice): calls are dropped and nothing is sent.
    await page.reload();
    await page.waitForFunction(() => (window as any).klaviyoLite?.__klaviyoLite === true);
    await page.click('#consent-track');
    await expect(page.locator('[data-calls] li')).toHaveText([/dropped \(false\)$/]);
    expect(accepted(emulator)).toHaveLength(2);
  } finally {
    await demo.close();
  }
});
