import type { Page } from '@playwright/test';
import type { Emulator } from '../demo-site/emulator/server.mjs';
import { startDemo, type Demo } from '../demo-site/start.mjs';
import { accepted, expect, test as base } from './fixtures';

// The rest of the funnel in a real browser: Placed Order on a thank-you page that is reloaded, an order of
// 10,000 lines, and Back in Stock, all against the API emulator.

const test = base.extend<{ demo: Demo & { emulator: Emulator } }>({
  demo: async ({}, use) => {
    // Active on Site off: its event would share the reload's bulk, which the inspector then shows as accepted.
    const demo = await startDemo({ shopPort: 0, emulatorPort: 0, activity: false });
    await use(demo as Demo & { emulator: Emulator });
    await demo.close();
  },
});

const poll = <T>(fn: () => T | Promise<T>, message?: string) => expect.poll(fn, { intervals: [50], message, timeout: 30_000 });
const drained = (page: Page) =>
  poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('__kla_outbox')).length), 'the outbox drains').toBe(0);
/** Every event the emulator saw, bulk entries included, with whether it counted it (Klaviyo keeps the first). */
function events(emulator: Emulator) {
  return emulator.requests().flatMap((r) => {
    const body = r.body as any;
    const list = r.endpoint === 'event-bulk-create' ? body.data.attributes.events.data.map((e: any) => e.attributes) : r.endpoint === 'events' ? [body.data.attributes] : [];
    return list.map((a: any) => ({ metric: a.metric.data.attributes.name as string, uniqueId: a.unique_id as string, status: r.status, duplicate: !!r.duplicate }));
  });
}

test('a reloaded thank-you page: the emulator counts the order and its lines once', async ({ page, demo }) => {
  const emu = demo.emulator;
  const email = 'buyer@mailbox.org';
  for (const id of ['1001', '1004']) {
    await page.goto(`${demo.shopUrl}/product/${id}`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
  }
  await page.goto(`${demo.shopUrl}/checkout`);
  await page.fill('#co-email', email);
  await page.getByRole('button', { name: 'Continue to shipping' }).click();
  await page.getByRole('button', { name: /Place order/ }).click();
  await expect(page.locator('h1')).toHaveText('Thank you for your order');
  const orderId: string = await page.evaluate(() => JSON.parse(localStorage.getItem('demo-order')!).id);
  const orderEvents = () => events(emu).filter((e) => e.metric === 'Placed Order' || e.metric === 'Ordered Product');
  await poll(() => orderEvents().length).toBe(3);
  expect(orderEvents()).toEqual([
    { metric: 'Placed Order', uniqueId: orderId, status: 202, duplicate: false },
    { metric: 'Ordered Product', uniqueId: `${orderId}_1001`, status: 202, duplicate: false },
    { metric: 'Ordered Product', uniqueId: `${orderId}_1004`, status: 202, duplicate: false },
  ]);
  const placed = accepted(emu).find((r) => r.metric === 'Placed Order')!;
  expect(placed).toMatchObject({ value: 39.98, profile: { email } });
  expect(placed.properties).toMatchObject({ OrderId: orderId, ItemNames: ['Alpine Wool Beanie', 'Enamel Camp Mug'], Brands: ['Northwind', 'Ember'] });
  await drained(page);

  await page.reload();
  await expect(page.locator('.toast', { hasText: 'klaviyo.placedOrder() → true' })).toBeVisible();
  await poll(() => orderEvents().length).toBe(6);
  // The same unique_ids again: the emulator, like Klaviyo, keeps only the first of each.
  expect(orderEvents().slice(3).map((e) => [e.uniqueId, e.duplicate])).toEqual([
    [orderId, true],
    [`${orderId}_1001`, true],
    [`${orderId}_1004`, true],
  ]);
  await expect(page.locator('#inspector .ki-rec', { hasText: 'duplicate' }).first()).toBeVisible();
});

test('an order of 10,000 lines arrives whole, in bulk requests (timings printed, not asserted)', async ({ page, emulator, site }) => {
  test.setTimeout(240_000);
  const shop = await site({
    '/': `<!doctype html><script async src="/klaviyo-lite.js?company_id=AbC123" data-api-base="${emulator.url}" data-activity="off"></script>`,
  });
  await page.goto(`${shop.url}/`);
  await page.waitForFunction(() => typeof (window as any).klaviyo?.placedOrder === 'function' && !Array.isArray((window as any).klaviyo));
  const timing = await page.evaluate(async () => {
    const k = (window as any).klaviyo;
    await k.identify({ email: 'wholesale@mailbox.org' });
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      id: `SKU-${i % 2500}`, name: `Bolt M${i % 12}`, price: '0.35', quantity: 10, url: `https://shop.example/p/${i}`,
    }));
    const started = performance.now();
    const call = k.placedOrder({ id: 'W-1', items });
    const sync = performance.now() - started;
    await call;
    const resolved = performance.now() - started;
    return { sync, resolved };
  });
  // Distinct ids: under load a request may time out and go again (harmless: the emulator, like Klaviyo, counts it once).
  const counted = () => new Set(events(emulator).filter((e) => e.status === 202).map((e) => `${e.metric} ${e.uniqueId}`));
  await expect.poll(() => counted().size, { message: 'every event arrives', timeout: 150_000 }).toBe(10_001);
  expect([...counted()].filter((e) => e.startsWith('Placed Order '))).toEqual(['Placed Order W-1']);
  const bulks = emulator.requests().filter((r) => r.endpoint === 'event-bulk-create');
  expect(bulks.length).toBeGreaterThanOrEqual(10);
  expect(bulks.every((r) => (r.body as any).data.attributes.events.data.length <= 1000)).toBe(true);
  console.info(
    `placedOrder, 10,000 lines in Chromium: ${timing.sync.toFixed(0)} ms synchronous, resolved after ${timing.resolved.toFixed(0)} ms`,
  );
});

test('Notify me when available: one Back in Stock subscription for the sold-out variant, retried past a 503', async ({ page, demo }) => {
  const emu = demo.emulator;
  emu.setFaults({ status: 503, endpoint: 'back-in-stock-subscriptions', times: 1 });
  await page.goto(`${demo.shopUrl}/product/1007`);
  await expect(page.locator('.sold-out')).toHaveText('Sold out');
  await expect(page.getByRole('button', { name: 'Add to cart' })).toHaveCount(0);
  await page.fill('#bis-email', 'waiting@mailbox.org');
  await page.getByRole('button', { name: 'Notify me' }).click();
  await expect(page.locator('.toast', { hasText: 'klaviyo.subscribeBackInStock() → true' })).toBeVisible();
  await poll(() => emu.requests().filter((r) => r.endpoint === 'back-in-stock-subscriptions').map((r) => r.status)).toEqual([503, 202]);
  const [, ok] = emu.requests().filter((r) => r.endpoint === 'back-in-stock-subscriptions');
  expect(ok.body).toEqual({
    data: {
      type: 'back-in-stock-subscription',
      attributes: { channels: ['EMAIL'], profile: { data: { type: 'profile', attributes: { email: 'waiting@mailbox.org' } } } },
      relationships: { variant: { data: { type: 'catalog-variant', id: '$custom:::$default:::1007' } } },
    },
  });
});

test('subscribeBackInStock with an identified visitor, a full variant id, and pre-load calls through the stub', async ({ page, emulator, site }) => {
  const shop = await site({
    '/': `<!doctype html><script src="/stub.js"></script>
      <script>
        klaviyo.identify({ phone_number: '+12125550142' });
        window.result = klaviyo.subscribeBackInStock({ variantId: '$shopify:::$default:::4455' });
      </script>
      <script async src="/klaviyo-lite.js?company_id=AbC123" data-api-base="${emulator.url}"></script>`,
  });
  await page.goto(`${shop.url}/`);
  expect(await page.evaluate(() => (window as any).result)).toBe(true);
  await poll(() => accepted(emulator).filter((r) => r.endpoint === 'back-in-stock-subscriptions').length).toBe(1);
  expect(accepted(emulator).find((r) => r.endpoint === 'back-in-stock-subscriptions')!.attributes).toEqual({
    channels: ['SMS'],
    profile: { data: { type: 'profile', attributes: { phone_number: '+12125550142' } } },
  });
});
