// Active on Site (__activity__) in real Chromium against the emulator: once per page load of an identified
// visitor, once on the page that identifies; nothing from anonymous visitors and crawlers.
import { accepted, expect, test } from './fixtures';

const KEY = 'AbC123';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const tag = (api: string, extra = '') =>
  `<script async src="/klaviyo-lite.js?company_id=${KEY}" data-api-base="${api}" data-debug ${extra}></script>`;

type Row = ReturnType<typeof accepted>[number];
const activities = (rows: Row[]) => rows.filter((r: any) => r.metric === '__activity__') as any[];
const metrics = (rows: Row[]) => rows.map((r: any) => r.metric ?? r.endpoint);

test('identified page loads send __activity__; the page that identifies sends it once, after the queued calls', async ({ page, emulator, site }) => {
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script>
      <script>
        klaviyo.identify({ email: 'active@shop.example' });
        klaviyo.track('Viewed Product', { ProductID: '1' });
      </script>${tag(emulator.url)}`,
    '/again': `<!doctype html><script src="/stub.js"></script>
      <script>klaviyo.identify({ email: 'active@shop.example', first_name: 'Ada' });</script>${tag(emulator.url)}`,
    '/quiet': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}`,
  });
  await page.goto(`${shop.url}/`);
  await expect.poll(() => accepted(emulator).length).toBe(3);
  expect(metrics(accepted(emulator))).toEqual(['profiles', 'Viewed Product', '__activity__']);
  // Folded into one bulk with the page's event.
  expect(emulator.requests().map((r) => r.endpoint)).toEqual(['profiles', 'event-bulk-create']);
  const [first] = activities(accepted(emulator));
  expect(first.properties).toEqual({
    page: `${shop.url}/`, browser: 'Chrome', os: 'Linux', $use_ip: true, $is_session_activity: true,
  });
  expect(first.profile).toEqual({ email: 'active@shop.example' });
  // identify again on this page: no second one.
  await page.evaluate(() => (window as any).klaviyo.identify({ email: 'active@shop.example', last_name: 'L' }));
  await expect.poll(() => accepted(emulator).length).toBe(4);

  // A page that identifies again, and a page that calls nothing: one each.
  await page.goto(`${shop.url}/again`);
  await expect.poll(() => activities(accepted(emulator)).length).toBe(2);
  await page.goto(`${shop.url}/quiet`);
  await expect.poll(() => activities(accepted(emulator)).length).toBe(3);
  await page.waitForTimeout(500);
  expect(metrics(accepted(emulator))).toEqual([
    'profiles', 'Viewed Product', '__activity__', 'profiles', 'profiles', '__activity__', '__activity__',
  ]);
  expect(activities(accepted(emulator)).map((r) => r.properties.page)).toEqual([`${shop.url}/`, `${shop.url}/again`, `${shop.url}/quiet`]);
});

test('identify after load (a sign-in form): __activity__ once, right after the profile', async ({ page, emulator, site }) => {
  const shop = await site({ '/': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}` });
  await page.goto(`${shop.url}/`);
  await page.waitForTimeout(300);
  expect(emulator.requests()).toEqual([]);
  await page.evaluate(() => (window as any).klaviyo.identify({ email: 'later@shop.example' }));
  await page.evaluate(() => (window as any).klaviyo.subscribe({ listId: 'Y6nRLr', email: 'later@shop.example' }));
  await expect.poll(() => accepted(emulator).length).toBe(3);
  await page.waitForTimeout(500);
  expect(metrics(accepted(emulator))).toEqual(['profiles', '__activity__', 'subscriptions']);
});

test('a ?_kx= link: __activity__ for the exchange id, its page without _kx, each utm_ parameter, the referring site', async ({ page, emulator, site }) => {
  const shop = await site({ '/landing': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}` });
  const query = 'utm_source=klaviyo&_kx=kx-token-9&utm_campaign=Spring%20Sale&ref=a%2Fb';
  await page.goto(`${shop.url}/landing?${query}#top`, { referer: 'https://mail.example.org/inbox' });
  await expect.poll(() => accepted(emulator).length).toBe(1);
  const [activity] = activities(accepted(emulator));
  expect(activity.profile).toEqual({ _kx: 'kx-token-9' });
  expect(activity.properties).toEqual({
    page: `${shop.url}/landing?utm_source=klaviyo&utm_campaign=Spring+Sale&ref=a%2Fb#top`,
    browser: 'Chrome',
    os: 'Linux',
    utm_source: 'klaviyo',
    utm_campaign: 'Spring Sale',
    referrer: 'mail.example.org',
    $use_ip: true,
    $is_session_activity: true,
  });
});

test('odd input: a 1 MB utm_source, broken escapes, a referrer on this site: the event still goes, strings cut to 100 KB', async ({ page, emulator, site }) => {
  // The server takes no 1 MB request line: the page's own script makes the address before ours runs.
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script><script>
        history.replaceState(null, '', '?utm_source=' + 's'.repeat(1e6) + '&utm_term=%E0%A4%A&utm_content=%');
        klaviyo.identify({ email: 'odd@shop.example' });
      </script>${tag(emulator.url)}`,
  });
  await page.goto(`${shop.url}/`, { referer: `${shop.url}/elsewhere` });
  await expect.poll(() => activities(accepted(emulator)).length).toBe(1);
  const { properties } = activities(accepted(emulator))[0];
  expect(properties.utm_source).toHaveLength(1e5);
  expect(properties.page).toHaveLength(1e5);
  expect(properties).toMatchObject({ utm_term: '\uFFFD%A', utm_content: '%', browser: 'Chrome' });
  expect(properties).not.toHaveProperty('referrer');
});

test('anonymous visitors send nothing; data-activity="off" sends no __activity__', async ({ page, emulator, site }) => {
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}`,
    '/off': `<!doctype html><script src="/stub.js"></script>
      <script>klaviyo.identify({ email: 'off@shop.example' });</script>${tag(emulator.url, 'data-activity="off"')}`,
  });
  await page.goto(`${shop.url}/`);
  await page.waitForTimeout(500);
  expect(emulator.requests()).toEqual([]);
  await page.goto(`${shop.url}/off`);
  await expect.poll(() => accepted(emulator).length).toBe(1);
  await page.reload();
  await expect.poll(() => accepted(emulator).length).toBe(2);
  await page.waitForTimeout(500);
  expect(metrics(accepted(emulator))).toEqual(['profiles', 'profiles']);
});

test('a crawler sends nothing and stores nothing, even when the page identifies and links with ?_kx=', async ({ browser, emulator, site }) => {
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script>
      <script>
        window.results = {};
        klaviyo.identify({ email: 'bot@shop.example' }).then(function (r) { results.identify = r; }, function (e) { results.identify = e.code; });
        klaviyo.track('Viewed Product', { ProductID: '1' }).then(function (r) { results.track = r; });
        klaviyo.subscribe({ listId: 'Y6nRLr', email: 'bot@shop.example' }).then(function (r) { results.subscribe = r; });
      </script>${tag(emulator.url)}`,
  });
  const context = await browser.newContext({ userAgent: BOT });
  try {
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    await page.goto(`${shop.url}/?_kx=kx-token-1`);
    await expect.poll(() => page.evaluate(() => Object.keys((window as any).results).length)).toBe(3);
    // Queued on the stub, a refused identify settles with false; called on the live object it rejects.
    expect(await page.evaluate(() => (window as any).results)).toEqual({ identify: false, track: false, subscribe: false });
    expect(await page.evaluate(() => (window as any).klaviyo.identify({ email: 'bot@shop.example' }).catch((e: any) => e.message)))
      .toBe('[klaviyo-lite] identify ignored: a crawler');
    expect(await page.evaluate(() => (window as any).klaviyo.track('Added to Cart'))).toBe(false);
    expect(logs).toContain('[klaviyo-lite] dropped "Viewed Product": a crawler');
    await page.waitForTimeout(700);
    expect(emulator.requests()).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
  } finally {
    await context.close();
  }
});

test('headless Chrome (as these tests run it) is no crawler', async ({ page, emulator, site }) => {
  const shop = await site({ '/': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}` });
  await page.goto(`${shop.url}/`);
  expect(await page.evaluate(() => navigator.userAgent)).toContain('HeadlessChrome');
  expect(await page.evaluate(() => (window as any).klaviyo.identify({ email: 'headless@shop.example' }))).toEqual({ email: 'headless@shop.example' });
  await expect.poll(() => metrics(accepted(emulator))).toEqual(['profiles', '__activity__']);
});
