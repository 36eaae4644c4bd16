import { beforeEach, describe, expect, it, vi } from 'vitest';
import { attributesOf, clearCookies, recordingClient } from './helpers/client';
import { createHold } from '../src/identity/hold';
import { sanitize } from '../src/events/validate';

beforeEach(clearCookies);

// klaviyo.js's flags, on every event the caller did not set them on.
const session = { $use_ip: true, $is_session_activity: true };

const identified = async (options = {}) => {
  const client = recordingClient(options);
  await client.api.identify({ email: 'buyer@shop.example' });
  client.sent.length = 0;
  return client;
};

describe('track', () => {
  it('sends Create Client Event with the profile, metric, time, value and unique_id', async () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    const { api, sent } = await identified({ now: () => now });
    expect(await api.track('Viewed Listing', { Title: 'Loft', $value: '540.00', $event_id: 'ev-1' })).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0].endpoint).toBe('events');
    expect(sent[0].uniqueId).toBe('ev-1');
    expect(attributesOf(sent[0])).toEqual({
      properties: { ...session, Title: 'Loft', $value: 540, $event_id: 'ev-1' },
      time: '2026-11-23T10:00:00.000Z',
      value: 540,
      unique_id: 'ev-1',
      metric: { data: { type: 'metric', attributes: { name: 'Viewed Listing' } } },
      profile: { data: { type: 'profile', attributes: { email: 'buyer@shop.example' } } },
    });
  });

  it('coerces money strings and leaves out a $value that is not a number', async () => {
    const { api, sent } = await identified();
    await api.track('A', { $value: '$15.98' });
    await api.track('B', { $value: 'free' });
    expect(attributesOf(sent[0]).value).toBe(15.98);
    expect(attributesOf(sent[1]).value).toBeUndefined();
    expect(attributesOf(sent[1]).properties).toEqual(session);
  });

  it('gives every event a fresh UUID when there is no $event_id', async () => {
    const { api, sent } = await identified();
    await api.track('A');
    await api.track('A');
    const [a, b] = sent.map((r) => attributesOf(r).unique_id);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it('drops events of an anonymous visitor: no request, resolves false, says why in debug', async () => {
    const { api, sent, logs } = recordingClient();
    expect(await api.track('Added to Cart', { $value: 1 })).toBe(false);
    expect(sent).toEqual([]);
    expect(logs).toContain('debug: dropped "Added to Cart": visitor is not identified');
  });

  it('drops events of an opted-out visitor (__kla_off=true)', async () => {
    const { api, sent } = await identified();
    document.cookie = '__kla_off=true; path=/';
    expect(await api.track('A')).toBe(false);
    expect(sent).toEqual([]);
  });

  it('rejects a metric name that is not a 1–127 character string, with a typed error', async () => {
    const { api, sent } = await identified();
    for (const bad of [undefined, 42, '', '   ', 'x'.repeat(128)]) {
      const error = await api.track(bad as string).catch((e) => e);
      expect(error.code).toBe('invalid_argument');
    }
    expect(sent).toEqual([]);
  });

  it('maps Segment/RudderStack spec names to Klaviyo metrics', async () => {
    const { api, sent } = await identified();
    await api.track('Product Viewed', { product_id: 'p-1', sku: 'MON-1', name: 'Monopoly', price: 60 });
    expect(attributesOf(sent[0]).metric.data.attributes.name).toBe('Viewed Product');
    expect(attributesOf(sent[0]).properties).toMatchObject({ ProductID: 'p-1', SKU: 'MON-1', ProductName: 'Monopoly', Price: 60 });
  });

  it('a visitor who lands with ?_kx= is identified by the exchange id alone', async () => {
    history.replaceState(null, '', '/?_kx=EXCHANGE123&utm=1');
    try {
      const { api, sent, isIdentified } = recordingClient();
      expect(isIdentified()).toBe(true);
      await api.track('Viewed Product', { ProductID: '1' });
      expect(attributesOf(sent[0]).profile.data.attributes).toEqual({ _kx: 'EXCHANGE123' });
    } finally {
      history.replaceState(null, '', '/');
    }
  });

  it('holds anonymous events with data-hold-anonymous and sends them, with original time and id, once identified', async () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    const { api, sent } = recordingClient({ holdAnonymous: true, now: () => now });
    expect(await api.track('Viewed Product', { ProductID: '1', $event_id: 'v-1' })).toBe(true);
    expect(sent).toEqual([]);
    now += 60_000;
    await api.identify({ email: 'late@shop.example' });
    expect(sent.map((r) => r.endpoint)).toEqual(['profiles', 'events']);
    expect(attributesOf(sent[1])).toMatchObject({ time: '2026-11-23T10:00:00.000Z', unique_id: 'v-1' });
  });

  it('sends held events once the visitor is identified some other way (a newsletter sign-up), before the next event', async () => {
    const { api, sent } = recordingClient({ holdAnonymous: true });
    expect(await api.track('Viewed Product', { ProductID: '1', $event_id: 'held-1' })).toBe(true);
    await api.subscribe({ listId: 'Xy12Ab', email: 'shopper@mailbox.org' });
    await api.track('Added to Cart', { ProductID: '2', $event_id: 'after-1' });
    expect(sent.map((r) => (r.endpoint == 'events' ? attributesOf(r).unique_id : r.endpoint))).toEqual(['subscriptions', 'held-1', 'after-1']);
    expect(sessionStorage.getItem('__kla_held')).toBeNull();
  });

  it('an event held while sessionStorage refuses the write is kept for this page', () => {
    const data = new Map<string, string>();
    let full = false;
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => {
        if (full) throw new DOMException('quota', 'QuotaExceededError');
        data.set(k, v);
      },
      removeItem: (k: string) => void data.delete(k),
    } as unknown as Storage;
    const hold = createHold(() => storage, () => 1000);
    hold.add({ metric: 'A', properties: {} });
    full = true;
    hold.add({ metric: 'B', properties: {} });
    expect(hold.take().map((e) => e.metric)).toEqual(['A', 'B']);
  });

  it('a tampered held list is nothing held: what is held after it is still kept and taken', () => {
    for (const tampered of ['not json', 'null', '{"at":1}', '"text"', '[null]', '7']) {
      const data = new Map([['__kla_held', tampered]]);
      const storage = {
        getItem: (k: string) => data.get(k) ?? null,
        setItem: (k: string, v: string) => void data.set(k, v),
        removeItem: (k: string) => void data.delete(k),
      } as unknown as Storage;
      const hold = createHold(() => storage, () => 1000);
      expect(hold.take()).toEqual([]);
      hold.add({ metric: 'A', properties: {} });
      expect(JSON.parse(data.get('__kla_held')!)).toHaveLength(1);
      expect(hold.take().map((e) => e.metric)).toEqual(['A']);
      expect(data.has('__kla_held')).toBe(false);
    }
  });

  it('never touches sessionStorage when nothing is held (each touch is a round trip to the browser process)', async () => {
    const touched = vi.spyOn(window, 'sessionStorage', 'get');
    try {
      const { api, sent } = recordingClient();
      await api.track('Viewed Product', { ProductID: '1' });
      await api.identify({ email: 'known@shop.example' });
      await api.track('Viewed Product', { ProductID: '1' });
      expect(sent.map((r) => r.endpoint)).toEqual(['profiles', 'events']);
      expect(touched).not.toHaveBeenCalled();
    } finally {
      touched.mockRestore();
    }
  });

  it('forgets held events after 30 minutes', async () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    const { api, sent } = recordingClient({ holdAnonymous: true, now: () => now });
    await api.track('Viewed Product', { ProductID: '1' });
    now += 31 * 60_000;
    await api.identify({ email: 'late@shop.example' });
    expect(sent.map((r) => r.endpoint)).toEqual(['profiles']);
  });
});

describe('with the default logger and debug off', () => {
  it('leaves out what JSON cannot carry instead of sending false', async () => {
    const { api, sent } = recordingClient({ log: undefined, debug: false });
    await api.identify({ email: 'quiet@shop.example' });
    await api.track('Quiet', { a: NaN, b: () => 1, c: Symbol('s'), d: 1 });
    expect(attributesOf(sent[1]).properties).toEqual({ ...session, d: 1 });
  });

  it('sends what JSON.stringify would for objects with toJSON: a Date, a URL, a money type', async () => {
    const { api, sent } = recordingClient({ log: undefined, debug: false });
    await api.identify({ email: 'quiet@shop.example' });
    const price = { amount: 1250, toJSON: () => '12.50' };
    await api.track('Typed', { at: new Date('2026-11-23T10:00:00Z'), page: new URL('https://shop.example/p/1?x=1'), price, bad: new Date(NaN) });
    expect(attributesOf(sent[1]).properties).toEqual({ ...session, at: '2026-11-23T10:00:00.000Z', page: 'https://shop.example/p/1?x=1', price: '12.50', bad: null });
  });

  it('an event over the 4 MB one request may carry is refused at track(): false, a console error, nothing queued', async () => {
    const { api, sent, logs } = await identified();
    // 60 strings of 100 KB of three-byte characters: under the copy budget's characters, 6 MB as sent.
    const wide = '€'.repeat(33_000);
    const properties = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, wide]));
    await expect(api.track('Huge', properties)).resolves.toBe(false);
    expect(sent).toHaveLength(0);
    expect(logs.filter((l) => l.startsWith('error: refused "Huge"'))).toHaveLength(1);
    // The next event is not held up by it.
    await expect(api.track('Small', { a: 1 })).resolves.toBe(true);
    expect(sent).toHaveLength(1);
  });

  it('sizes its requests without a Blob: in Chromium each Blob is a round trip to the browser process, on every call', async () => {
    const { api, sent } = await identified();
    const made = vi.fn();
    vi.stubGlobal('Blob', class { size = 0; constructor() { made(); } });
    await expect(api.track('Viewed Product', { ProductID: '1' })).resolves.toBe(true);
    await expect(api.track('Added to Cart', { ProductID: '1' })).resolves.toBe(true);
    expect(sent).toHaveLength(2);
    expect(made).not.toHaveBeenCalled();
  });

  describe("a model graph that shares objects all over (each product's category lists its siblings)", () => {
    const catalog = (description: number) => {
      const categories = Array.from({ length: 10 }, (_, i) => ({ id: i, products: [] as object[] }));
      const products = Array.from({ length: 5000 }, (_, i) => {
        const product = { id: i, price: 9.99, description: 'd'.repeat(description), category: categories[i % 10] };
        categories[i % 10].products.push(product);
        return product;
      });
      return { products, $value: 12.5, $event_id: 'catalog-1' };
    };

    it.each([0, 6000])('is copied up to a budget, said once; the event goes out with its value and id (descriptions of %i characters)', async (description) => {
      const { api, sent, logs } = recordingClient();
      await api.identify({ email: 'shop@mailbox.org' });
      await expect(api.track('Catalog', catalog(description))).resolves.toBe(true);
      const attributes = attributesOf(sent[1]);
      expect(attributes).toMatchObject({ value: 12.5, unique_id: 'catalog-1' });
      expect(JSON.stringify(attributes.properties).length).toBeLessThan(5.1e6);
      expect(logs.filter((l) => l.includes('over 3.5 M characters or 250,000 values in all'))).toHaveLength(1);
    });

    it('an id list shared by 20,000 items (40 million values) is cut at the budget too', () => {
      const warned: string[] = [];
      const ids = Array.from({ length: 2000 }, (_, i) => i);
      const items = Array.from({ length: 20000 }, (_, i) => ({ sku: `S${i}`, related: ids }));
      const out = sanitize({ items, $value: 1 }, { debug() {}, warn: (m: string) => void warned.push(m), error() {} });
      expect(out.$value).toBe(1);
      expect(JSON.stringify(out).split(',').length).toBeLessThan(1.1e6);
      expect(warned.filter((m) => m.includes('250,000 values'))).toHaveLength(1);
    });
  });

  it("sends a 5,000-line order (2 MB, under Klaviyo's 5 MB) whole, its value and id included", async () => {
    const { api, sent } = recordingClient();
    await api.identify({ email: 'shop@mailbox.org' });
    const line = (i: number) => Object.fromEntries(Array.from({ length: 20 }, (_, f) => [`f${f}`, f % 2 ? `v${i}-${f}` : i + f]));
    await api.track('Placed Order', { Items: Array.from({ length: 5000 }, (_, i) => line(i)), $value: 1234.5, $event_id: 'order-77' });
    const attributes = attributesOf(sent[1]);
    expect(attributes.properties.Items).toHaveLength(5000);
    expect(attributes).toMatchObject({ value: 1234.5, unique_id: 'order-77' });
  });

  it('a toJSON result is held to the same limits as the data: 400 properties, 10 levels (a toJSON costs none)', async () => {
    const log = { debug() {}, warn() {}, error() {} };
    const fields = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, i]));
    const model = { cid: 'c1', toJSON: () => fields };
    expect(Object.keys(sanitize(model, log))).toHaveLength(400);
    // Immutable.js-like collections: a shallow toJSON at every level, JSON depth 6.
    class Shallow {
      constructor(private fields: object) {}
      toJSON() {
        return { ...this.fields };
      }
    }
    let cart: unknown = new Shallow({ sku: 'A-1' });
    for (let i = 0; i < 4; i++) cart = new Shallow({ child: cart });
    expect(sanitize({ cart }, log)).toEqual(JSON.parse(JSON.stringify({ cart })));
    // A Date where a string would still be kept (the 10th level).
    let nested: Record<string, unknown> = { at: new Date('2026-01-01T00:00:00Z') };
    for (let i = 0; i < 9; i++) nested = { n: nested };
    expect(JSON.stringify(sanitize(nested, log))).toContain('"at":"2026-01-01T00:00:00.000Z"');
  });
});
