// A hostile page in real Chromium: blocked cookies and storage, a fetch the page patched, the script twice,
// a window.klaviyo of another shape, an ad blocker, Trusted Types. The page must keep working, nothing may
// escape as an uncaught error (the fixture fails the test on any), and the emulator's counts are exact.
// Active on Site is on: the page load that identifies sends it once, folded into a bulk with the page's event.
import type { Page } from '@playwright/test';
import { accepted, expect, test } from './fixtures';
import { stubSource } from './servers';

const KEY = 'AbC123';
const EMAIL = 'hostile@shop.example';
const tag = (api: string, extra = '') =>
  `<script async src="/klaviyo-lite.js?company_id=${KEY}" data-api-base="${api}" ${extra}></script>`;

/** The page's own code, before and after our calls: `window.after` proves the page carried on. */
const pageCode = `
  window.results = {};
  klaviyo.identify({ email: '${EMAIL}', first_name: 'Host' }).then(function (r) { results.identify = r; }, function (e) { results.identify = 'rejected: ' + e.code; });
  klaviyo.track('Viewed Product', { ProductID: 'K-7', $value: 42 }).then(function (r) { results.track = r; }, function (e) { results.track = 'rejected: ' + e.code; });
  window.after = true;`;

type Emulator = Parameters<typeof accepted>[0];

/** Every POST the emulator saw, by verdict: exact counts catch double sends and invalid bodies alike. */
const posts = (emulator: Emulator) =>
  emulator
    .requests()
    .filter((r) => r.method === 'POST')
    .map((r) => `${r.endpoint} ${r.verdict}`);

/** Waits for `n` accepted rows, then a little longer, so that an extra request would be seen too. */
async function exactly(emulator: Emulator, n: number, timeout = 10_000) {
  await expect.poll(() => accepted(emulator).length, { timeout }).toBeGreaterThanOrEqual(n);
  await new Promise((resolve) => setTimeout(resolve, 700));
  expect(accepted(emulator)).toHaveLength(n);
}

const consoleOf = (page: Page) => {
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  return lines;
};

test.describe('cookies blocked', () => {
  /** The page's own code runs on, identify resolves with the profile, track with true, and both requests arrive. */
  const identifyAndTrackArrive = async (page: Page, emulator: Emulator & { url: string }, site: (pages: Record<string, string>) => Promise<{ url: string }>) => {
    const shop = await site({ '/': `<!doctype html><script src="/stub.js"></script><script>${pageCode}</script>${tag(emulator.url)}` });
    await page.goto(`${shop.url}/`);
    await expect.poll(() => page.evaluate(() => Object.keys((window as any).results).length)).toBe(2);
    expect(await page.evaluate(() => (window as any).after)).toBe(true);
    expect(await page.evaluate(() => (window as any).results)).toEqual({ identify: { email: EMAIL, first_name: 'Host' }, track: true });
    await exactly(emulator, 3);
    expect(posts(emulator)).toEqual(['profiles accepted', 'event-bulk-create accepted']);
    expect(accepted(emulator).map((r: any) => r.metric ?? r.endpoint)).toEqual(['profiles', 'Viewed Product', '__activity__']);
  };

  test('document.cookie throws (as in a sandboxed frame): the page keeps working; profile and event still arrive', async ({ page, emulator, site }) => {
    await page.addInitScript(() => {
      const blocked = () => {
        throw new DOMException('The document is sandboxed and lacks the allow-same-origin flag.', 'SecurityError');
      };
      Object.defineProperty(Document.prototype, 'cookie', { get: blocked, set: blocked, configurable: true });
    });
    await identifyAndTrackArrive(page, emulator, site);
  });

  test('document.cookie ignores writes (cookies disabled): the visitor stays identified for this page', async ({ page, emulator, site }) => {
    await page.addInitScript(() => {
      Object.defineProperty(Document.prototype, 'cookie', { get: () => '', set: () => {}, configurable: true });
    });
    await identifyAndTrackArrive(page, emulator, site);
  });
});

test('localStorage and sessionStorage throw on every call: delivery falls back to memory', async ({ page, emulator, site }) => {
  await page.addInitScript(() => {
    for (const name of ['getItem', 'setItem', 'removeItem', 'key', 'clear'] as const) {
      Object.defineProperty(Storage.prototype, name, {
        configurable: true,
        value() {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        },
      });
    }
  });
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script><script>${pageCode}
      klaviyo.trackViewedItem({ ItemId: 'K-7', Title: 'Kettle' }).then(function (r) { results.viewed = r; });</script>${tag(emulator.url)}`,
  });
  await page.goto(`${shop.url}/`);
  await expect.poll(() => page.evaluate(() => Object.keys((window as any).results).length)).toBe(3);
  expect(await page.evaluate(() => (window as any).results)).toEqual({ identify: { email: EMAIL, first_name: 'Host' }, track: true, viewed: false });
  await exactly(emulator, 3);
  expect(posts(emulator)).toEqual(['profiles accepted', 'event-bulk-create accepted']);
});

test.describe('window.fetch patched by the page', () => {
  test('wrapped to count calls: our requests go through the wrapper, once each', async ({ page, emulator, site }) => {
    const shop = await site({
      '/': `<!doctype html><script>
          window.fetchCalls = 0;
          window.fetch = (function (original) {
            return function () { window.fetchCalls++; return original.apply(this, arguments); };
          })(window.fetch);
        </script><script src="/stub.js"></script><script>${pageCode}</script>${tag(emulator.url)}`,
    });
    await page.goto(`${shop.url}/`);
    await exactly(emulator, 3);
    expect(posts(emulator)).toEqual(['profiles accepted', 'event-bulk-create accepted']);
    expect(await page.evaluate(() => (window as any).fetchCalls)).toBe(2);
  });

  test('replaced by one that throws synchronously: nothing escapes, the page keeps working, nothing is sent', async ({ page, emulator, site }) => {
    const shop = await site({
      '/': `<!doctype html><script>
          window.fetch = function () { throw new TypeError('fetch is disabled on this page'); };
        </script><script src="/stub.js"></script><script>${pageCode}</script>${tag(emulator.url)}`,
    });
    await page.goto(`${shop.url}/`);
    await expect.poll(() => page.evaluate(() => Object.keys((window as any).results).length)).toBe(2);
    expect(await page.evaluate(() => [(window as any).after, (window as any).results.track])).toEqual([true, true]);
    // The page's own code still runs, after several retry rounds.
    await page.waitForTimeout(2_500);
    expect(await page.evaluate(() => document.title = 'still alive')).toBe('still alive');
    expect(emulator.requests()).toEqual([]);
  });

  test('throws for the first calls, then works: every request arrives exactly once', async ({ page, emulator, site }) => {
    const shop = await site({
      '/': `<!doctype html><script>
          window.refused = 0;
          window.fetch = (function (original) {
            return function () {
              if (window.refused < 3) { window.refused++; throw new TypeError('offline for a moment'); }
              return original.apply(this, arguments);
            };
          })(window.fetch);
        </script><script src="/stub.js"></script><script>${pageCode}</script>${tag(emulator.url)}`,
    });
    await page.goto(`${shop.url}/`);
    await exactly(emulator, 3, 30_000);
    expect(posts(emulator)).toEqual(['profiles accepted', 'event-bulk-create accepted']);
    expect(await page.evaluate(() => (window as any).refused)).toBe(3);
  });
});

test('a frozen _learnq queue (a theme that locks its globals): its commands still run; the page reads the visitor as WooCommerce does', async ({ page, emulator, site }) => {
  const shop = await site({
    '/': `<!doctype html><script>
      window._learnq = Object.freeze([['identify', { $email: '${EMAIL}' }], ['track', 'Viewed Product', { ProductID: 'F-1' }]]);
    </script>${tag(emulator.url)}`,
  });
  await page.goto(`${shop.url}/`);
  // And Active on Site, which klaviyo.js sends on its own for an identified visitor.
  await exactly(emulator, 3);
  expect(accepted(emulator)).toMatchObject([
    { endpoint: 'profiles', attributes: { email: EMAIL } },
    { metric: 'Viewed Product' },
    { metric: '__activity__' },
  ]);
  expect(await page.evaluate(() => (window as any)._learnq.identify())).toEqual({ $email: EMAIL });
});

test('the script loaded twice (query and key-in-path forms): one client, no double sends', async ({ page, emulator, site }) => {
  const logs = consoleOf(page);
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script><script>${pageCode}</script>
      ${tag(emulator.url, 'data-debug')}
      <script async src="/${KEY}/klaviyo-lite.js" data-api-base="${emulator.url}" data-debug></script>
      ${tag(emulator.url, 'data-debug')}`,
  });
  await page.goto(`${shop.url}/`);
  await exactly(emulator, 3);
  await page.waitForFunction(() => document.querySelectorAll('script[src*="klaviyo-lite"]').length === 3);
  // Later calls, after all three copies ran, are sent once too.
  expect(await page.evaluate(() => (window as any).klaviyo.track('Added to Cart', { $value: 3 }))).toBe(true);
  expect(await page.evaluate(() => (window as any)._learnq.push(['track', 'Started Checkout']))).toBeTruthy();
  await exactly(emulator, 5);
  expect(posts(emulator).filter((p) => p.endsWith('duplicate'))).toEqual([]);
  // One Active on Site: the copies that stay idle send none.
  expect(accepted(emulator).map((r: any) => r.metric ?? r.endpoint)).toEqual(['profiles', 'Viewed Product', '__activity__', 'Added to Cart', 'Started Checkout']);
  expect(logs.filter((l) => l.includes('already loaded on this page'))).toHaveLength(2);
});

test.describe('a page with its own window.klaviyo', () => {
  test('an object of another shape is left alone; klaviyoLite and _learnq work', async ({ page, emulator, site }) => {
    const logs = consoleOf(page);
    const shop = await site({
      '/': `<!doctype html><script>
          window.klaviyo = { theme: 'popup-widget', open: function () { return 'opened'; } };
          window.original = window.klaviyo;
        </script>${tag(emulator.url)}`,
    });
    await page.goto(`${shop.url}/`);
    await page.waitForFunction(() => !!(window as any).klaviyoLite);
    expect(await page.evaluate(() => (window as any).klaviyo === (window as any).original && (window as any).klaviyo.open())).toBe('opened');
    expect(logs.some((l) => l.startsWith('error: [klaviyo-lite]') && l.includes('window.klaviyo'))).toBe(true);
    await page.evaluate((email) => (window as any).klaviyoLite.identify({ email }), EMAIL);
    await page.evaluate(() => (window as any)._learnq.push(['track', 'Viewed Product', { ProductID: 'K-7' }]));
    await exactly(emulator, 3);
    // Active on Site right after the profile; the event may or may not join it in a bulk, as timing has it.
    expect(posts(emulator).filter((p) => !p.endsWith(' accepted'))).toEqual([]);
    expect(accepted(emulator).map((r: any) => r.metric ?? r.endpoint)).toEqual(['profiles', '__activity__', 'Viewed Product']);
  });

  test('a frozen, non-writable window.klaviyo and a _learnq that is not an array: the script still starts', async ({ page, emulator, site }) => {
    const logs = consoleOf(page);
    const shop = await site({
      '/': `<!doctype html><script>
          Object.defineProperty(window, 'klaviyo', { value: Object.freeze({ locked: true }), writable: false, configurable: false });
          window._learnq = 'not a queue';
        </script>${tag(emulator.url)}`,
    });
    await page.goto(`${shop.url}/`);
    await page.waitForFunction(() => !!(window as any).klaviyoLite);
    expect(logs.filter((l) => l.includes('failed to start'))).toEqual([]);
    await page.evaluate((email) => (window as any).klaviyoLite.identify({ email }), EMAIL);
    await exactly(emulator, 2);
    expect(posts(emulator)).toEqual(['profiles accepted', 'events accepted']);
    expect(accepted(emulator).map((r: any) => r.metric ?? r.endpoint)).toEqual(['profiles', '__activity__']);
  });
});

test('ad-blocked script: with the stub, await identify settles after 10 s with false and a console note; the page carries on', async ({ page, emulator, site }) => {
  await page.clock.install();
  const logs = consoleOf(page);
  let blocked = 0;
  await page.route('**/klaviyo-lite.js*', (route) => (blocked++, route.fulfill({ status: 404, body: 'blocked' })));
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script><script>
        window.results = {};
        (async function () {
          results.identify = await klaviyo.identify({ email: '${EMAIL}' });
          results.afterAwait = true;
        })();
        klaviyo.track('Viewed Product', {}, function (r) { results.callback = r; });
        window.after = true;
      </script>${tag(emulator.url)}`,
  });
  await page.goto(`${shop.url}/`);
  expect(blocked).toBe(1);
  expect(await page.evaluate(() => [(window as any).after, (window as any).results])).toEqual([true, {}]);
  await page.clock.runFor(9_000);
  expect(await page.evaluate(() => (window as any).results)).toEqual({});
  await page.clock.runFor(1_500);
  await expect.poll(() => page.evaluate(() => (window as any).results)).toEqual({ identify: false, afterAwait: true, callback: false });
  expect(logs.filter((l) => l.includes('[klaviyo-lite]') && l.includes('has not loaded after 10 s'))).toHaveLength(1);
  expect(emulator.requests()).toEqual([]);
});

test('strict CSP with Trusted Types enforced (require-trusted-types-for \'script\'; trusted-types \'none\')', async ({ page, emulator, site }) => {
  const nonce = 'tt-n0nce';
  const shop = await site({
    '/': {
      headers: {
        'content-security-policy': [
          "default-src 'none'",
          `script-src 'self' 'nonce-${nonce}'`,
          `connect-src ${emulator.url}`,
          "require-trusted-types-for 'script'",
          "trusted-types 'none'",
        ].join('; '),
      },
      body: `<!doctype html><script nonce="${nonce}">${stubSource()}</script>
        <script nonce="${nonce}">${pageCode}</script>${tag(emulator.url)}`,
    },
  });
  const violations: string[] = [];
  page.on('console', (m) => /Content Security Policy|Trusted Type/i.test(m.text()) && violations.push(m.text()));
  await page.goto(`${shop.url}/`);
  await exactly(emulator, 3);
  expect(posts(emulator)).toEqual(['profiles accepted', 'event-bulk-create accepted']);
  expect(violations).toEqual([]);
});
