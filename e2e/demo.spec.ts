import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import type { Emulator, EmulatorRecord } from '../demo-site/emulator/server.mjs';
import { startDemo, type Demo } from '../demo-site/start.mjs';
import { accepted, expect, test as base } from './fixtures';

// The demo storefront (demo-site/), driven like a shopper would, against its in-process API emulator.

const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });

const LIST_ID = 'Y6nRLr';
const QTY = 2;
// Product 1001 as demo-site/shop/products.mjs has it.
const BEANIE = {
  id: '1001', sku: 'NW-BEANIE-RED', name: 'Alpine Wool Beanie', price: 24, compareAtPrice: 30,
  categories: ['Accessories', 'Hats'], brand: 'Northwind',
};

// A fresh shop + emulator per test (both on free ports; starting them takes a few ms). Active on Site is off
// unless a test asks for it: the tests below count every request of a journey exactly.
const test = base.extend<{ demo: Demo & { emulator: Emulator }; activity: boolean }>({
  activity: [false, { option: true }],
  demo: async ({ activity }, use) => {
    const demo = await startDemo({ shopPort: 0, emulatorPort: 0, activity });
    if (!demo.emulator) throw new Error('the demo started without its emulator');
    await use(demo as Demo & { emulator: Emulator });
    await demo.close();
  },
});

type Props = Record<string, any>;
// klaviyo.js's flags, on every event.
const SESSION = { $use_ip: true, $is_session_activity: true };
/** expect.poll, looking every 50 ms: what is waited for here takes a few ms to a second. */
const poll = <T>(fn: () => T | Promise<T>, message?: string) => expect.poll(fn, { intervals: [50], message });
/** The accepted events of one visitor, oldest first. */
const eventsOf = (emulator: Emulator, email: string) =>
  accepted(emulator).filter((r) => r.endpoint === 'events' && r.profile?.email === email);
const metricsOf = (emulator: Emulator, email: string) => eventsOf(emulator, email).map((r) => r.metric as string);
const one = (emulator: Emulator, email: string, metric: string) => {
  const found = eventsOf(emulator, email).filter((r) => r.metric === metric);
  expect(found, `accepted "${metric}" events for ${email}`).toHaveLength(1);
  return found[0];
};
/** status + verdict of every request the emulator saw. */
const verdicts = (emulator: Emulator) => emulator.requests().map((r) => `${r.status} ${r.verdict}`);
const eventRecords = (emulator: Emulator): EmulatorRecord[] =>
  emulator.requests().filter((r) => r.endpoint === 'events' || r.endpoint === 'event-bulk-create');

/**
 * Waits until the SDK's outbox (localStorage `__kla_outbox…` keys) is empty: the page has its answers. Leaving a page
 * between the emulator's answer and the browser reading it would send that request again on the next page
 * (at-least-once delivery; harmless for Klaviyo, but it would show up here as a second request).
 */
const drained = (page: Page) =>
  poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('__kla_outbox')).length), 'the outbox drains').toBe(0);
const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}${name}.png` });
/** Waits until the inspector drawer lists a row containing `text`. */
const inspectorShows = (page: Page, text: string) =>
  expect(page.locator('#inspector .ki-rec', { hasText: text }).first()).toBeVisible();

interface Journey {
  /** '' for the SDK shop, '/ga4' for the GA4 flavour */
  prefix: '' | '/ga4';
  email: string;
  /** runs on the product page, after Viewed Product arrived and before "Add to cart" */
  beforeAdd?: () => Promise<void>;
  /** runs on the product page, after Added to Cart was accepted */
  afterAdd?: () => Promise<void>;
  /** screenshot names for the product and the checkout page */
  shots?: { product?: string; checkout?: string };
}

/**
 * Sign in on /account, view the beanie, add QTY to the cart, check out with the same email. Waits for each
 * event at the emulator before the next step. Returns the cart id and the unix seconds around the checkout.
 */
async function journey(page: Page, demo: Demo & { emulator: Emulator }, j: Journey) {
  const emu = demo.emulator;
  const count = (metric: string) => () => metricsOf(emu, j.email).filter((m) => m === metric).length;

  await page.goto(`${demo.shopUrl}/account`);
  await page.fill('#ac-email', j.email);
  await page.fill('#ac-first', 'Sam');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('[data-visitor]')).toHaveText(j.email);
  await poll(() => accepted(emu).filter((r) => r.endpoint === 'profiles' && r.attributes.email === j.email).length).toBe(1);
  await drained(page);

  await page.goto(`${demo.shopUrl}${j.prefix}/product/${BEANIE.id}`);
  await expect(page.locator('h1')).toHaveText(BEANIE.name);
  await poll(count('Viewed Product')).toBe(1);
  await j.beforeAdd?.();
  await page.locator('#buy select[name="quantity"]').selectOption(String(QTY));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.locator('[data-cart-count]').first()).toHaveText(String(QTY));
  await poll(count('Added to Cart')).toBe(1);
  await j.afterAdd?.();
  if (j.shots?.product) {
    await inspectorShows(page, 'Added to Cart');
    await shot(page, j.shots.product);
  }
  const cartId: string = await page.evaluate(() => JSON.parse(localStorage.getItem('demo-cart')!).id);
  await drained(page);

  await page.goto(`${demo.shopUrl}${j.prefix}/checkout`);
  await expect(page.locator('[data-cart] tbody tr')).toHaveCount(1);
  await page.fill('#co-email', j.email);
  const from = Math.floor(Date.now() / 1000);
  // Clicking blurs the field first: blur and submit both call start(), which must send once.
  await page.getByRole('button', { name: 'Continue to shipping' }).click();
  await expect(page.locator('[data-done]')).toHaveText('Checkout started. This demo stops before payment.');
  await poll(count('Started Checkout')).toBe(1);
  const to = Math.floor(Date.now() / 1000);
  await drained(page);
  if (j.shots?.checkout) {
    await inspectorShows(page, 'Started Checkout');
    await shot(page, j.shots.checkout);
  }
  return { cartId, from, to };
}

/** The property names of an SDK-flavour and a GA4-flavour object: in both, only in one (each sorted). */
function compareKeys(sdk: Props, ga4: Props) {
  const keys = (o: Props) => Object.keys(o).sort();
  return {
    both: keys(sdk).filter((k) => k in ga4),
    sdkOnly: keys(sdk).filter((k) => !(k in ga4)),
    ga4Only: keys(ga4).filter((k) => !(k in sdk)),
  };
}
const pick = (o: Props, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

test('SDK shop: view → add to cart → checkout sends one of each event, with Klaviyo\'s property names, all accepted', async ({ page, demo }) => {
  const emu = demo.emulator;
  const email = 'shopper@mailbox.org';
  const shop = demo.shopUrl;
  const { cartId, from, to } = await journey(page, demo, { prefix: '', email, shots: { product: 'product', checkout: 'checkout' } });

  // Two profile requests (sign-in with a first name, then the checkout's email field) and the three events.
  expect(accepted(emu).filter((r) => r.endpoint === 'profiles')).toEqual([
    { endpoint: 'profiles', attributes: { email, first_name: 'Sam' } },
    { endpoint: 'profiles', attributes: { email } },
  ]);
  expect(metricsOf(emu, email)).toEqual(['Viewed Product', 'Added to Cart', 'Started Checkout']);
  expect(verdicts(emu)).toEqual(Array(5).fill('202 accepted'));

  const viewed = one(emu, email, 'Viewed Product');
  expect(viewed).toMatchObject({ value: BEANIE.price, profile: { email } });
  expect(viewed.properties).toEqual({
    ...SESSION, ProductID: BEANIE.id, SKU: BEANIE.sku, ProductName: BEANIE.name, Categories: BEANIE.categories,
    ImageURL: `${shop}/img/${BEANIE.id}.svg`, URL: `${shop}/product/${BEANIE.id}`, Brand: BEANIE.brand,
    Price: BEANIE.price, CompareAtPrice: BEANIE.compareAtPrice,
  });

  const line = {
    ProductID: BEANIE.id, SKU: BEANIE.sku, ProductName: BEANIE.name, ProductCategories: BEANIE.categories,
    ImageURL: `${shop}/img/${BEANIE.id}.svg`, ProductURL: `${shop}/product/${BEANIE.id}`, Brand: BEANIE.brand,
    ItemPrice: BEANIE.price, CompareAtPrice: BEANIE.compareAtPrice, Quantity: QTY, RowTotal: QTY * BEANIE.price,
  };
  const added = one(emu, email, 'Added to Cart');
  expect(added.value).toBe(QTY * BEANIE.price);
  expect(added.properties).toEqual({
    ...SESSION, AddedItemProductID: BEANIE.id, AddedItemSKU: BEANIE.sku, AddedItemProductName: BEANIE.name,
    AddedItemCategories: BEANIE.categories, AddedItemImageURL: `${shop}/img/${BEANIE.id}.svg`,
    AddedItemURL: `${shop}/product/${BEANIE.id}`, AddedItemBrand: BEANIE.brand, AddedItemPrice: BEANIE.price,
    AddedItemCompareAtPrice: BEANIE.compareAtPrice, AddedItemQuantity: QTY,
    $value: QTY * BEANIE.price, ItemNames: [BEANIE.name], CheckoutURL: `${shop}/checkout`, Items: [line],
  });

  const started = one(emu, email, 'Started Checkout');
  const [, , seconds] = /^(.+)_(\d+)$/.exec(started.uniqueId) ?? [];
  expect(started.uniqueId).toBe(`${cartId}_${seconds}`);
  expect(Number(seconds)).toBeGreaterThanOrEqual(from);
  expect(Number(seconds)).toBeLessThanOrEqual(to);
  expect(started.value).toBe(QTY * BEANIE.price);
  expect(started.properties).toEqual({
    ...SESSION, $event_id: started.uniqueId, Categories: BEANIE.categories, $value: QTY * BEANIE.price,
    ItemNames: [BEANIE.name], CheckoutURL: `${shop}/checkout`, Items: [line],
  });
  // The checkout's toasts sit over the footer's Subscribe button for a few seconds: they must not block it.
  await page.getByRole('button', { name: 'Subscribe' }).click({ trial: true, timeout: 2000 });
  // The cart's events say which currency their value is in.
  const currencies = eventRecords(emu).map((r) => (r.body as any).data.attributes.value_currency);
  expect(currencies).toEqual(['USD', 'USD', 'USD']);
});

test('GA4 flavour: the same journey gives the same three metrics with the same property values', async ({ page, browser, demo }) => {
  const emu = demo.emulator;
  const sdkEmail = 'sdk-shopper@mailbox.org';
  const ga4Email = 'ga4-shopper@mailbox.org';

  // The SDK shop in a context of its own (its own cookie and cart), then the GA4 shop in the test's page.
  const context = await browser.newContext();
  const errors: string[] = [];
  try {
    const other = await context.newPage();
    other.on('pageerror', (e) => errors.push(String(e)));
    await journey(other, demo, { prefix: '', email: sdkEmail });
  } finally {
    await context.close();
  }
  expect(errors, 'uncaught errors in the SDK shop page').toEqual([]);
  await journey(page, demo, { prefix: '/ga4', email: ga4Email, shots: { product: 'ga4-product', checkout: 'ga4-checkout' } });
  // The GA4 checkout only pushed begin_checkout to dataLayer; the SDK made Started Checkout of it.
  const layer = await page.evaluate(() => (window as any).dataLayer.map((e: any) => e.event).filter(Boolean));
  expect(layer).toEqual(['begin_checkout']);

  expect(verdicts(emu)).toEqual(Array(10).fill('202 accepted')); // per journey: 2 profiles, 3 events
  expect(metricsOf(emu, ga4Email)).toEqual(['Viewed Product', 'Added to Cart', 'Started Checkout']);
  expect(metricsOf(emu, sdkEmail)).toEqual(metricsOf(emu, ga4Email));

  const record = (email: string, metric: string) =>
    eventRecords(emu).find((r) => r.profile?.email === email && (r.metric === metric || (r.metrics ?? []).includes(metric)))!;
  const bodyOf = (email: string, metric: string) => {
    const body = record(email, metric).body as any;
    return body.data.type === 'event' ? body.data.attributes
      : body.data.attributes.events.data.find((e: any) => e.attributes.metric.data.attributes.name === metric).attributes;
  };

  for (const metric of ['Viewed Product', 'Added to Cart', 'Started Checkout']) {
    const sdk = one(emu, sdkEmail, metric);
    const ga4 = one(emu, ga4Email, metric);
    expect(ga4.value, `${metric}: value`).toBe(sdk.value);
    expect(bodyOf(ga4Email, metric).value_currency, `${metric}: value_currency`).toBe(bodyOf(sdkEmail, metric).value_currency);
    const keys = compareKeys(sdk.properties, ga4.properties);
    // Cart lines (Items) are compared line by line below.
    const flat = keys.both.filter((k) => k !== 'Items');
    expect(pick(ga4.properties, flat), `${metric}: the properties both sources know`).toEqual(pick(sdk.properties, flat));
    if (metric === 'Viewed Product') {
      expect(keys.both).toEqual(['$is_session_activity', '$use_ip', 'Brand', 'Categories', 'Price', 'ProductID', 'ProductName']);
      // A GA4 item has no SKU, image, product URL or compare-at price.
      expect(keys.sdkOnly).toEqual(['CompareAtPrice', 'ImageURL', 'SKU', 'URL']);
      // GA4 items carry a quantity even in view_item (Google's own example has one; the demo sends 1), and the
      // SDK passes it on as Viewed Product's Quantity. A product page has no quantity to give viewedProduct().
      expect(keys.ga4Only).toEqual(['Quantity']);
      expect(ga4.properties.Quantity).toBe(1);
    } else {
      expect(keys.ga4Only, `${metric}: properties only the GA4 flavour sends`).toEqual([]);
    }
    if (metric === 'Added to Cart') {
      expect(keys.both).toEqual([
        '$is_session_activity', '$use_ip', '$value', 'AddedItemBrand', 'AddedItemCategories', 'AddedItemPrice', 'AddedItemProductID', 'AddedItemProductName',
        'AddedItemQuantity',
      ]);
      // Same as Viewed Product for the added item; and GA4's add_to_cart describes the items added, not the cart:
      // no cart lines, names or checkout URL. ($value is equal here only because the cart was empty before.)
      expect(keys.sdkOnly).toEqual([
        'AddedItemCompareAtPrice', 'AddedItemImageURL', 'AddedItemSKU', 'AddedItemURL', 'CheckoutURL', 'ItemNames', 'Items',
      ]);
    }
    if (metric === 'Started Checkout') {
      expect(keys.both).toEqual(['$is_session_activity', '$use_ip', '$value', 'Categories', 'ItemNames', 'Items']);
      // begin_checkout has no checkout URL and no cart id: so no $event_id, and the SDK gives the event a random
      // unique_id instead of <cartId>_<seconds>.
      expect(keys.sdkOnly).toEqual(['$event_id', 'CheckoutURL']);
      expect(ga4.uniqueId).not.toBe(sdk.uniqueId);
    }
  }

  // Started Checkout's cart lines, line by line, the same way.
  const sdkItems = one(emu, sdkEmail, 'Started Checkout').properties.Items as Props[];
  const ga4Items = one(emu, ga4Email, 'Started Checkout').properties.Items as Props[];
  expect(ga4Items).toHaveLength(sdkItems.length);
  sdkItems.forEach((sdkLine, i) => {
    const keys = compareKeys(sdkLine, ga4Items[i]);
    expect(pick(ga4Items[i], keys.both)).toEqual(pick(sdkLine, keys.both));
    expect(keys.both).toEqual(['Brand', 'ItemPrice', 'ProductCategories', 'ProductID', 'ProductName', 'Quantity', 'RowTotal']);
    // As above: GA4 items carry no SKU, image, product URL or compare-at price.
    expect(keys.sdkOnly).toEqual(['CompareAtPrice', 'ImageURL', 'ProductURL', 'SKU']);
    expect(keys.ga4Only).toEqual([]);
  });
});

test('newsletter: Subscribe sends one accepted subscription for list Y6nRLr', async ({ page, demo }) => {
  const emu = demo.emulator;
  const email = 'news@mailbox.org';
  await page.goto(`${demo.shopUrl}/`);
  await expect(page.locator('.grid .card')).toHaveCount(7);
  await page.fill('#nl-email', email);
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.locator('.toast', { hasText: 'klaviyo.subscribe() → true' })).toBeVisible();
  await expect(page.locator('#nl-email')).toHaveValue(''); // the form resets on success
  await poll(() => accepted(emu).length).toBe(1);
  expect(emu.requests()).toHaveLength(1);
  const [request] = emu.requests();
  expect(request).toMatchObject({ endpoint: 'subscriptions', status: 202, verdict: 'accepted', companyId: 'Demo01' });
  expect((request.body as any).data).toMatchObject({
    type: 'subscription',
    attributes: { profile: { data: { attributes: { email, subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } } } } },
    relationships: { list: { data: { type: 'list', id: LIST_ID } } },
  });
  // subscribe() remembers the visitor: the header reads the __kla_id cookie.
  await expect(page.locator('[data-visitor]')).toHaveText(email);
  await inspectorShows(page, 'subscriptions');
  await page.evaluate(() => window.scrollTo(0, 0)); // filling the footer form scrolled down
  await shot(page, 'home');
});

test('GTM page: the tag injected GTM-style (innerHTML, re-created scripts) loads and processes its calls', async ({ page, demo }) => {
  const emu = demo.emulator;
  const email = 'gtm@mailbox.org';
  await page.goto(`${demo.shopUrl}/gtm`);
  // gtm.js called klaviyo.isIdentified() on the stub right after injecting; the script drained that queue.
  await expect(page.locator('[data-gtm-status]')).toHaveText("klaviyo-lite loaded and drained the stub's queue (isIdentified: false).");
  // The only SDK tag in the document is the one gtm.js re-created inside its container.
  const tags = await page.locator('script[src*="klaviyo-lite.js"]').evaluateAll((s) => s.map((e) => e.parentElement?.id));
  expect(tags).toEqual(['gtm-container']);

  await page.fill('#gtm-email', email);
  await page.getByRole('button', { name: 'Identify' }).click();
  await expect(page.locator('[data-visitor]')).toHaveText(email);
  await page.getByRole('button', { name: "klaviyo.track('Viewed GTM Page')" }).click();
  await poll(() => accepted(emu).length).toBe(2);
  expect(accepted(emu)).toEqual([
    { endpoint: 'profiles', attributes: { email } },
    expect.objectContaining({ endpoint: 'events', metric: 'Viewed GTM Page', properties: { ...SESSION, page: 'gtm' }, profile: { email } }),
  ]);
  expect(verdicts(emu)).toEqual(['202 accepted', '202 accepted']);
  await inspectorShows(page, 'Viewed GTM Page');
  await shot(page, 'gtm');
});

test('inspector: lists each request with its metric and 202; "Inject 503" fails the next request once, then it is retried', async ({ page, demo }) => {
  const emu = demo.emulator;
  const email = 'inspect@mailbox.org';
  const panel = page.locator('#inspector .ki-panel');

  await journey(page, demo, {
    prefix: '',
    email,
    beforeAdd: async () => {
      await panel.getByRole('button', { name: 'Inject 503' }).click();
      await expect(panel.locator('.ki-note')).toHaveText('Pending faults for the next client API requests: 503.');
    },
    // The live stream tells the panel about the fault it served.
    afterAdd: () => expect(panel.locator('.ki-note')).toHaveText(/^Served an injected fault to request #\d+\.$/),
  });

  // The emulator: exactly one fault, for Added to Cart, then the same event (same unique_id) accepted.
  const faults = emu.requests().filter((r) => r.verdict === 'fault');
  expect(faults).toHaveLength(1);
  expect(faults[0]).toMatchObject({ status: 503, fault: { status: 503 } });
  const uniqueId = faults[0].uniqueIds?.[0];
  expect(uniqueId).toBe(one(emu, email, 'Added to Cart').uniqueId);
  expect(emu.requests().filter((r) => r.uniqueIds?.includes(uniqueId!)).map((r) => `${r.status} ${r.verdict}`))
    .toEqual(['503 fault', '202 accepted']);
  expect(metricsOf(emu, email)).toEqual(['Viewed Product', 'Added to Cart', 'Started Checkout']);
  expect(verdicts(emu).filter((v) => v !== '503 fault')).toEqual(Array(5).fill('202 accepted'));

  // The panel on the checkout page lists every request, newest first, as the shopper sees it.
  const total = emu.requests().length; // 2 profiles, 3 events, 1 fault
  expect(total).toBe(6);
  await expect(panel).toBeVisible();
  await expect(panel.locator('.ki-rec')).toHaveCount(total);
  await expect(page.locator('#inspector .ki-n')).toHaveText(String(total));
  await expect(panel.locator('.ki-mode')).toHaveText('live');
  for (const metric of ['Viewed Product', 'Added to Cart', 'Started Checkout']) {
    const row = panel.locator('.ki-rec.ki-ok', { hasText: metric });
    await expect(row).toHaveCount(1);
    await expect(row.locator('.ki-status')).toHaveText('202');
    await expect(row.locator('.ki-verdict')).toHaveText('accepted');
    await expect(row.locator('.ki-who')).toHaveText(email);
  }
  const faulted = panel.locator('.ki-rec.ki-warn');
  await expect(faulted).toHaveCount(1);
  await expect(faulted).toContainText('503');
  await expect(faulted).toContainText('fault');
  await expect(faulted).toContainText('Added to Cart');
  await expect(panel.locator('.ki-rec', { hasText: 'profiles' })).toHaveCount(2);
  await expect(panel.locator('.ki-rec .ki-status')).toHaveText(['202', '202', '202', '503', '202', '202']);
  await shot(page, 'inspector-after-503');
  // A row opens to the body that was sent.
  const checkoutRow = panel.locator('.ki-rec', { hasText: 'Started Checkout' });
  await expect(checkoutRow.locator('pre')).toBeHidden();
  await checkoutRow.locator('summary').click();
  await expect(checkoutRow.locator('pre')).toBeVisible();
  await expect(checkoutRow.locator('pre')).toContainText(`"$event_id": "${one(emu, email, 'Started Checkout').uniqueId}"`);
});

test.describe('Active on Site', () => {
  test.use({ activity: true });

  test('the inspector lists it as "Active on Site": once where the shopper signs in, once per page load after', async ({ page, demo }) => {
    const emu = demo.emulator;
    const email = 'active@mailbox.org';
    const panel = page.locator('#inspector .ki-panel');
    const activities = () => eventsOf(emu, email).filter((r) => r.metric === '__activity__');

    await page.goto(`${demo.shopUrl}/account`);
    await page.waitForTimeout(300);
    expect(emu.requests(), 'an anonymous visitor sends nothing').toEqual([]);
    await page.fill('#ac-email', email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => activities().length).toBe(1);
    expect(activities()[0].properties).toMatchObject({ page: `${demo.shopUrl}/account`, browser: 'Chrome', $use_ip: true, $is_session_activity: true });
    await drained(page);

    await page.goto(`${demo.shopUrl}/product/${BEANIE.id}?utm_source=newsletter`);
    await poll(() => activities().length).toBe(2);
    expect(activities()[1].properties).toMatchObject({ page: `${demo.shopUrl}/product/${BEANIE.id}?utm_source=newsletter`, utm_source: 'newsletter' });
    await poll(() => metricsOf(emu, email).filter((m) => m === 'Viewed Product').length).toBe(1);
    await drained(page);
    await expect(panel.locator('.ki-rec .ki-metric', { hasText: 'Active on Site' }).first()).toBeVisible();
    await expect(panel.locator('.ki-metric', { hasText: '__activity__' })).toHaveCount(0);
    expect(emu.requests().every((r) => r.verdict === 'accepted')).toBe(true);
    await shot(page, 'active-on-site');
  });
});
