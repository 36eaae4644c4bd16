import { chromium } from '@playwright/test';
import { chromiumPath, CHROMIUM_FLAGS } from './browser';
import { accepted, expect, test } from './fixtures';
import { publishedStubSource, stubSource } from './servers';

const KEY = 'AbC123';

/** A browser of its own in which `hosts` (e.g. `*.shop.example`) resolve to 127.0.0.1: real domains for cookies. */
const launchResolving = async (hosts: string) =>
  chromium.launch({ executablePath: await chromiumPath(), args: [...CHROMIUM_FLAGS, `--host-resolver-rules=MAP ${hosts} 127.0.0.1`] });
// Active on Site is off: these tests count the requests of the calls they make; activity.spec.ts covers it.
const tag = (api: string, extra = '') =>
  `<script async src="/klaviyo-lite.js?company_id=${KEY}" data-api-base="${api}" data-debug data-activity="off" ${extra}></script>`;

test('Klaviyo\'s published stub: identify + track before load arrive valid, the cookie is set, a reload stays identified', async ({ page, emulator, site }) => {
  const shop = await site({
    '/': `<!doctype html><script>${publishedStubSource()}</script>
      <script>
        window.results = [];
        klaviyo.identify({ email: 'early@shop.example', first_name: 'Early' }).then((r) => results.push(r));
        klaviyo.track('Viewed Product', { ProductID: '1', Price: '34.00', $value: '34.00' }).then((r) => results.push(r));
      </script>${tag(emulator.url)}`,
    '/next': `<!doctype html><script>${publishedStubSource()}</script>
      <script>klaviyo.track('Viewed Page', { URL: location.href });</script>${tag(emulator.url)}`,
  });
  await page.goto(`${shop.url}/`);
  await expect.poll(() => accepted(emulator).length).toBe(2);
  expect(accepted(emulator)).toMatchObject([
    { endpoint: 'profiles', attributes: { email: 'early@shop.example', first_name: 'Early' } },
    { endpoint: 'events', metric: 'Viewed Product', value: 34, profile: { email: 'early@shop.example' } },
  ]);
  expect(await page.evaluate(() => (window as any).results)).toEqual([{ email: 'early@shop.example', first_name: 'Early' }, true]);
  const cookie = (await page.context().cookies()).find((c) => c.name === '__kla_id');
  expect(JSON.parse(Buffer.from(cookie!.value, 'base64').toString())).toMatchObject({ $email: 'early@shop.example' });
  expect(cookie).toMatchObject({ path: '/', sameSite: 'Lax', secure: false });
  // We ask for 2 years; Chromium keeps at most 400 days.
  expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(399 * 24 * 3600 * 1000);

  await page.goto(`${shop.url}/next`);
  await expect.poll(() => accepted(emulator).length).toBe(3);
  expect(accepted(emulator)[2]).toMatchObject({ metric: 'Viewed Page', profile: { email: 'early@shop.example' } });
  const record = emulator.requests().find((r) => r.endpoint === 'events');
  expect(record).toMatchObject({ companyId: KEY, revision: '2026-07-15', contentType: 'application/vnd.api+json' });
});

test('legacy _learnq queue with our stub and the key-in-path loader', async ({ page, emulator, site }) => {
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script>
      <script>
        var _learnq = _learnq || [];
        _learnq.push(['identify', { $email: 'legacy@shop.example', $first_name: 'Leg' }]);
        _learnq.push(['track', 'Viewed Product', { ProductID: '7' }]);
      </script>
      <script async src="/${KEY}/klaviyo-lite.js" data-api-base="${emulator.url}" data-activity="off"></script>`,
  });
  await page.goto(`${shop.url}/`);
  await expect.poll(() => accepted(emulator).length).toBe(2);
  expect(accepted(emulator)).toMatchObject([
    { endpoint: 'profiles', attributes: { email: 'legacy@shop.example', first_name: 'Leg' } },
    { metric: 'Viewed Product' },
  ]);
  expect(await page.evaluate(() => (window as any)._learnq.isIdentified())).toBe(true);
});

test('an anonymous visitor\'s track sends nothing and resolves false', async ({ page, emulator, site }) => {
  const shop = await site({ '/': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}` });
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(`${shop.url}/`);
  expect(await page.evaluate(() => (window as any).klaviyo.track('Added to Cart', { $value: 3 }))).toBe(false);
  await page.waitForTimeout(300);
  expect(emulator.requests()).toEqual([]);
  expect(logs).toContain('[klaviyo-lite] dropped "Added to Cart": visitor is not identified');
});

test('?_kx= on the landing URL identifies the visitor on its own', async ({ page, emulator, site }) => {
  const shop = await site({ '/': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}` });
  await page.goto(`${shop.url}/?_kx=kx-token-123`);
  expect(await page.evaluate(() => (window as any).klaviyo.track('Viewed Product', { ProductID: '9' }))).toBe(true);
  await expect.poll(() => accepted(emulator).length).toBe(1);
  expect(accepted(emulator)[0]).toMatchObject({ metric: 'Viewed Product', profile: { _kx: 'kx-token-123' } });
});

test('subscribe sends Create Client Subscription', async ({ page, emulator, site }) => {
  const shop = await site({ '/': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}` });
  await page.goto(`${shop.url}/`);
  expect(await page.evaluate(() => (window as any).klaviyo.subscribe({ listId: 'Y6nRLr', email: 'news@shop.example' }))).toBe(true);
  await expect.poll(() => accepted(emulator).length).toBe(1);
  expect(accepted(emulator)[0]).toMatchObject({ endpoint: 'subscriptions' });
});

test('Google Tag Manager style injection (innerHTML, then re-created script nodes, no currentScript)', async ({ page, emulator, site }) => {
  const html = `<script src="/stub.js"></script><script>klaviyo.identify({ email: 'gtm@shop.example' }); klaviyo.track('From GTM');</script>${tag(emulator.url)}`;
  const shop = await site({
    '/': `<!doctype html><div id="gtm"></div><script>
      var holder = document.getElementById('gtm');
      holder.innerHTML = ${JSON.stringify(html).replace(/<\//g, '<\\/')};
      var nodes = holder.getElementsByTagName('script');
      var i = 0;
      (function next() {
        if (i >= nodes.length) return;
        var old = nodes[i++], fresh = document.createElement('script');
        for (var a = 0; a < old.attributes.length; a++) fresh.setAttribute(old.attributes[a].name, old.attributes[a].value);
        fresh.text = old.text;
        if (fresh.src) fresh.onload = next;
        document.body.appendChild(fresh);
        if (!fresh.src) next();
      })();
    </script>`,
  });
  await page.goto(`${shop.url}/`);
  await expect.poll(() => accepted(emulator).length).toBe(2);
  expect(accepted(emulator)).toMatchObject([{ endpoint: 'profiles' }, { metric: 'From GTM' }]);
});

test('works under a strict Content-Security-Policy (no unsafe-eval, nonce for the inline stub)', async ({ page, emulator, site }) => {
  const nonce = 'r4nd0m';
  const shop = await site({
    '/': {
      headers: {
        'content-security-policy': `default-src 'none'; script-src 'self' 'nonce-${nonce}'; connect-src ${emulator.url}; style-src 'none'`,
      },
      body: `<!doctype html><script nonce="${nonce}">${stubSource()}</script>
        <script nonce="${nonce}">klaviyo.identify({ email: 'csp@shop.example' }); klaviyo.track('Under CSP');</script>
        ${tag(emulator.url)}`,
    },
  });
  const violations: string[] = [];
  page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
  await page.goto(`${shop.url}/`);
  await expect.poll(() => accepted(emulator).length).toBe(2);
  expect(violations).toEqual([]);
});

test('the identity cookie goes on the widest domain, so login.shop.example and www.shop.example share a visitor', async ({ emulator, site }) => {
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}`,
  });
  const port = new URL(shop.url).port;
  const browser = await launchResolving('*.shop.example');
  try {
    const context = await browser.newContext();
    const login = await context.newPage();
    await login.goto(`http://login.shop.example:${port}/`);
    await login.evaluate(() => (window as any).klaviyo.identify({ email: 'sub@mailbox.org' }));
    const cookie = (await context.cookies()).find((c) => c.name === '__kla_id');
    expect(cookie?.domain).toBe('.shop.example');
    expect((await context.cookies()).filter((c) => c.name.startsWith('__kla_probe'))).toEqual([]);

    const www = await context.newPage();
    await www.goto(`http://www.shop.example:${port}/`);
    await www.waitForFunction(() => (window as any)._learnq && typeof (window as any)._learnq.isIdentified === 'function');
    expect(await www.evaluate(() => (window as any)._learnq.isIdentified())).toBe(true);
    expect(await www.evaluate(() => (window as any).klaviyo.track('Viewed Product', { ProductID: '1' }))).toBe(true);
    await expect.poll(() => accepted(emulator).length).toBe(2);
    expect(accepted(emulator)[1]).toMatchObject({ metric: 'Viewed Product', profile: { email: 'sub@mailbox.org' } });
  } finally {
    await browser.close();
  }
});

test('data-cookie-domain overrides the probe', async ({ page, emulator, site }) => {
  const shop = await site({ '/': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url, 'data-cookie-domain="127.0.0.1"')}` });
  await page.goto(`${shop.url}/`);
  await page.evaluate(() => (window as any).klaviyo.identify({ email: 'host@mailbox.org' }));
  const cookie = (await page.context().cookies()).find((c) => c.name === '__kla_id');
  expect(cookie?.domain).toBe('127.0.0.1');
  expect(await page.evaluate(() => (window as any).klaviyo.cookieDomain())).toBe('127.0.0.1');
});

test('data-hold-anonymous: events before identification are sent once the visitor identifies, across pages of the tab', async ({ page, emulator, site }) => {
  const shop = await site({
    '/a': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url, 'data-hold-anonymous')}`,
    '/b': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url, 'data-hold-anonymous')}`,
  });
  await page.goto(`${shop.url}/a`);
  expect(await page.evaluate(() => (window as any).klaviyo.track('Viewed Product', { ProductID: 'held-1' }))).toBe(true);
  await page.waitForTimeout(300);
  expect(emulator.requests()).toEqual([]);
  await page.goto(`${shop.url}/b`);
  await page.evaluate(() => (window as any).klaviyo.identify({ email: 'late@mailbox.org' }));
  await expect.poll(() => accepted(emulator).length).toBe(2);
  expect(accepted(emulator)).toMatchObject([
    { endpoint: 'profiles' },
    { metric: 'Viewed Product', properties: { ProductID: 'held-1' }, profile: { email: 'late@mailbox.org' } },
  ]);
});

test('in iframes: same-site frames share the visitor; a cross-site frame, where a Lax cookie cannot be set, still identifies and tracks for its page', async ({ emulator, site }) => {
  const frame = `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}`;
  const shop = await site({
    '/frame': frame,
    '/same': `<!doctype html><iframe src="/frame"></iframe>`,
  });
  const port = new URL(shop.url).port;
  shop.pages['/cross'] = `<!doctype html><iframe src="http://checkout.other.example:${port}/frame"></iframe>`;
  const browser = await launchResolving('*.example');
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));

    await page.goto(`http://www.shop.example:${port}/same`);
    const same = page.frames()[1];
    await same.waitForFunction(() => (window as any)._learnq && !Array.isArray((window as any)._learnq));
    await same.evaluate(() => (window as any).klaviyo.identify({ email: 'framed@mailbox.org' }));
    expect((await context.cookies()).find((c) => c.name === '__kla_id')?.domain).toBe('.shop.example');

    await page.goto(`http://www.shop.example:${port}/cross`);
    const cross = page.frames()[1];
    await cross.waitForFunction(() => (window as any)._learnq && !Array.isArray((window as any)._learnq));
    await cross.evaluate(() => (window as any).klaviyo.identify({ email: 'cross@mailbox.org' }));
    expect((await context.cookies(`http://checkout.other.example:${port}`)).map((c) => c.name)).not.toContain('__kla_id');
    expect(await cross.evaluate(() => (window as any)._learnq.isIdentified())).toBe(true);
    expect(await cross.evaluate(() => (window as any).klaviyo.track('Viewed Product', { ProductID: 'x' }))).toBe(true);
    await expect.poll(() => accepted(emulator).filter((r: any) => r.profile && r.profile.email === 'cross@mailbox.org').length).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('opted out (__kla_off=true, or klaviyo.optOut()): nothing is sent and the identity is forgotten', async ({ page, emulator, site }) => {
  const shop = await site({ '/': `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}` });
  await page.goto(`${shop.url}/`);
  await page.evaluate(() => (window as any).klaviyo.identify({ email: 'leaving@mailbox.org' }));
  await expect.poll(() => accepted(emulator).length).toBe(1);
  expect(await page.evaluate(() => (window as any).klaviyo.optOut())).toBe(true);
  const names = (await page.context().cookies()).map((c) => c.name);
  expect(names).toContain('__kla_off');
  expect(names).not.toContain('__kla_id');
  expect(await page.evaluate(() => (window as any).klaviyo.track('After Opt-out'))).toBe(false);

  await page.reload();
  const code = await page.evaluate(() => (window as any).klaviyo.identify({ email: 'again@mailbox.org' }).catch((e: any) => e.code));
  expect(code).toBe('opted_out');
  expect(await page.evaluate(() => (window as any).klaviyo.track('Still Out'))).toBe(false);
  await page.waitForTimeout(300);
  expect(emulator.requests()).toHaveLength(1);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('__kla_outbox')))).toEqual([]);
});

test('older __kla_id copies (klaviyo.js\'s host-only one, a theme\'s on path /shop) no longer shadow ours: the next page sends the new email; optOut removes every copy', async ({ emulator, site }) => {
  const page = `<!doctype html><script src="/stub.js"></script>${tag(emulator.url)}`;
  const shop = await site({ '/shop/a': page, '/shop/b': page });
  const port = new URL(shop.url).port;
  const identity = (email: string) => Buffer.from(JSON.stringify({ cid: 'old-cid', $email: email })).toString('base64');
  const browser = await launchResolving('*.shop.example');
  try {
    const context = await browser.newContext();
    await context.addCookies([
      { name: '__kla_id', value: identity('klaviyojs@mailbox.org'), url: `http://www.shop.example:${port}/` },
      { name: '__kla_id', value: identity('theme@mailbox.org'), domain: '.shop.example', path: '/shop' },
    ]);
    const copies = async () => (await context.cookies(`http://www.shop.example:${port}/shop/b`)).filter((c) => c.name === '__kla_id');
    expect(await copies()).toHaveLength(2);
    const tab = await context.newPage();
    await tab.goto(`http://www.shop.example:${port}/shop/a`);
    await tab.waitForFunction(() => (window as any)._learnq && !Array.isArray((window as any)._learnq));
    await tab.evaluate(() => (window as any).klaviyo.identify({ email: 'now@mailbox.org' }));
    expect(await copies()).toMatchObject([{ domain: '.shop.example', path: '/' }]);
    await expect.poll(() => accepted(emulator).length).toBe(1);

    await tab.goto(`http://www.shop.example:${port}/shop/b`);
    await tab.waitForFunction(() => (window as any)._learnq && !Array.isArray((window as any)._learnq));
    expect(await tab.evaluate(() => (window as any)._learnq.identify())).toEqual({ $email: 'now@mailbox.org' });
    expect(await tab.evaluate(() => (window as any).klaviyo.track('Viewed Product', { ProductID: '1' }))).toBe(true);
    await expect.poll(() => accepted(emulator).length).toBe(2);
    expect(accepted(emulator)[1]).toMatchObject({ metric: 'Viewed Product', profile: { email: 'now@mailbox.org' } });

    await context.addCookies([{ name: '__kla_id', value: identity('theme@mailbox.org'), domain: '.shop.example', path: '/shop' }]);
    expect(await tab.evaluate(() => (window as any).klaviyo.optOut())).toBe(true);
    expect(await copies()).toEqual([]);
  } finally {
    await browser.close();
  }
});
