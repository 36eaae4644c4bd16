import { describe, expect, test, vi } from 'vitest';
import { fromGa4, watchDataLayer } from '../src/adapters/ga4';
import { KlaviyoLiteError } from '../src/errors';
import type { Logger, Properties, TrackPayload } from '../src/types';
import { expectSendable } from './helpers/adapters';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const SECONDS = NOW / 1000;
// The dataLayer gives no time: a checkout's dedupe id takes the clock's.
const at = <T>(now: number, run: () => T): T => {
  const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
  try {
    return run();
  } finally {
    clock.mockRestore();
  }
};

// gtag() pushes its `arguments` object, not an array.
function gtag(..._args: unknown[]): Properties {
  return arguments as unknown as Properties;
}

const shirt = {
  item_id: 'SKU_12345',
  item_name: 'Stan and Friends Tee',
  affiliation: 'Google Merchandise Store',
  coupon: 'SUMMER_FUN',
  discount: 2.22,
  index: 0,
  item_brand: 'Google',
  item_category: 'Apparel',
  item_category2: 'Adult',
  item_category3: 'Shirts',
  item_category4: 'Crew',
  item_category5: 'Short sleeve',
  item_list_id: 'related_products',
  item_variant: 'green',
  price: '10.01',
  quantity: 3,
};

const shirtFields = {
  affiliation: 'Google Merchandise Store',
  coupon: 'SUMMER_FUN',
  discount: 2.22,
  index: 0,
  item_list_id: 'related_products',
  variant: 'green',
};
const categories = ['Apparel', 'Adult', 'Shirts', 'Crew', 'Short sleeve'];

describe('fromGa4', () => {
  test('view_item → Viewed Product (value = price; other GA4 parameters kept)', () => {
    const payload = fromGa4({ event: 'view_item', ecommerce: { currency: 'USD', value: 30.03, items: [shirt] } });
    expect(payload).toEqual({
      metric: 'Viewed Product',
      properties: {
        ...shirtFields,
        ProductID: 'SKU_12345',
        ProductName: 'Stan and Friends Tee',
        Brand: 'Google',
        Categories: categories,
        Price: 10.01,
        Quantity: 3,
      },
      value: 10.01,
      valueCurrency: 'USD',
    });
    expectSendable(payload);
  });

  test('add_to_cart → Added to Cart; $value is GA4 value (what was added)', () => {
    const payload = fromGa4({ event: 'add_to_cart', ecommerce: { currency: 'EUR', value: 27.81, items: [shirt] } });
    expect(payload).toEqual({
      metric: 'Added to Cart',
      properties: {
        ...shirtFields,
        $value: 27.81,
        AddedItemProductID: 'SKU_12345',
        AddedItemProductName: 'Stan and Friends Tee',
        AddedItemBrand: 'Google',
        AddedItemCategories: categories,
        AddedItemPrice: 10.01,
        AddedItemQuantity: 3,
      },
      value: 27.81,
      valueCurrency: 'EUR',
    });
    expectSendable(payload);
  });

  test('add_to_cart without value: the item row total', () => {
    expect(fromGa4({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'a', price: 2, quantity: 2 }] } })).toMatchObject({ value: 4 });
  });

  test('begin_checkout → Started Checkout; no transaction_id, no dedupe id', () => {
    const payload = fromGa4({ event: 'begin_checkout', ecommerce: { currency: 'USD', value: 30.03, coupon: 'SUMMER_FUN', items: [shirt, { item_id: 'B', item_name: 'Mug', price: 5 }] } });
    expect(payload).toEqual({
      metric: 'Started Checkout',
      properties: {
        coupon: 'SUMMER_FUN',
        $value: 30.03,
        Categories: categories,
        ItemNames: ['Stan and Friends Tee', 'Mug'],
        Items: [
          {
            ...shirtFields,
            ProductID: 'SKU_12345',
            ProductName: 'Stan and Friends Tee',
            Brand: 'Google',
            ProductCategories: categories,
            ItemPrice: 10.01,
            Quantity: 3,
            RowTotal: 30.03,
          },
          { ProductID: 'B', ProductName: 'Mug', ItemPrice: 5, RowTotal: 5 },
        ],
      },
      value: 30.03,
      valueCurrency: 'USD',
    });
    expectSendable(payload);
  });

  test('begin_checkout with a transaction_id gets $event_id and uniqueId', () => {
    const payload = at(NOW, () => fromGa4({ event: 'begin_checkout', ecommerce: { transaction_id: 'T_1', items: [shirt] } })!);
    expect(payload.uniqueId).toBe(`T_1_${SECONDS}`);
    expect(payload.properties.$event_id).toBe(`T_1_${SECONDS}`);
  });

  test("gtag's arguments shape maps the same", () => {
    const params = { currency: 'USD', value: 30.03, items: [shirt] };
    for (const name of ['view_item', 'add_to_cart', 'begin_checkout']) {
      expect(fromGa4(gtag('event', name, params))).toEqual(fromGa4({ event: name, ecommerce: params }));
    }
  });

  test.each([
    { ecommerce: null },
    { event: 'gtm.js' },
    { event: 'purchase', ecommerce: { transaction_id: 'T', items: [shirt] } },
    { event: 'view_item_list', ecommerce: { items: [shirt] } },
    gtag('config', 'G-XXXX'),
    gtag('event', 'page_view'),
    ['event', 'view_promotion', {}],
  ])('not ours: %j', (event) => expect(fromGa4(event as Properties)).toBeUndefined());

  test('view_item with no item id is refused', () => {
    expect(() => fromGa4({ event: 'view_item', ecommerce: { items: [{ item_name: 'Tee' }] } })).toThrow(KlaviyoLiteError);
    expect(() => fromGa4({ event: 'view_item' })).toThrow(KlaviyoLiteError);
  });
});

const logger = () => ({ debug: vi.fn<Logger['debug']>(), warn: vi.fn<Logger['warn']>(), error: vi.fn<Logger['error']>() });
const view = (id: string) => ({ event: 'view_item', ecommerce: { items: [{ item_id: id }] } });
const ids = (sent: TrackPayload[]) => sent.map((p) => p.properties.ProductID);

describe('watchDataLayer', () => {
  test('events already on the layer are sent once, later pushes as they happen', () => {
    const layer: unknown[] = [{ event: 'gtm.js' }, view('a')];
    const sent: TrackPayload[] = [];
    watchDataLayer({ dataLayer: layer }, (p) => sent.push(p), logger());
    expect(ids(sent)).toEqual(['a']);
    layer.push(view('b'), { event: 'other' }, gtag('event', 'add_to_cart', { items: [{ item_id: 'c' }] }));
    expect(sent.map((p) => p.metric)).toEqual(['Viewed Product', 'Viewed Product', 'Added to Cart']);
    expect(layer).toHaveLength(5);
  });

  test("the previous push (GTM's) still runs, with the same this and arguments, and its result is returned", () => {
    const layer: unknown[] = [];
    const gtm = vi.fn(function (this: unknown[], ...args: unknown[]) {
      Array.prototype.push.apply(this, args);
      return 'gtm-result';
    });
    layer.push = gtm as never;
    const sent: TrackPayload[] = [];
    watchDataLayer({ dataLayer: layer }, (p) => sent.push(p), logger());
    const event = view('a');
    expect(layer.push(event, 2)).toBe('gtm-result');
    expect(gtm).toHaveBeenCalledOnce();
    expect(gtm.mock.calls[0]).toEqual([event, 2]);
    expect(gtm.mock.contexts[0]).toBe(layer);
    expect(ids(sent)).toEqual(['a']);
  });

  test('the native push result (new length) is kept', () => {
    const layer: unknown[] = [1, 2];
    watchDataLayer({ dataLayer: layer }, () => {}, logger());
    expect(layer.push(3)).toBe(3);
  });

  test('the same event object is sent once, however often it is pushed', () => {
    const event = view('a');
    const layer: unknown[] = [event];
    const sent: TrackPayload[] = [];
    watchDataLayer({ dataLayer: layer }, (p) => sent.push(p), logger());
    layer.push(event);
    layer.push(event);
    expect(sent).toHaveLength(1);
    layer.push(view('a'));
    expect(sent).toHaveLength(2);
  });

  test('what is no object (null, a string, a number) is passed over: nothing sent, nothing logged', () => {
    const log = logger();
    const layer: unknown[] = [null, 'view_item'];
    const sent: TrackPayload[] = [];
    watchDataLayer({ dataLayer: layer }, (p) => sent.push(p), log);
    layer.push(undefined, 42, 'view_item');
    layer.push(view('a'));
    expect(sent.map((p) => p.metric)).toEqual(['Viewed Product']);
    expect(log.warn).not.toHaveBeenCalled();
  });

  test('a throwing onPayload or a refused event does not break push', () => {
    const log = logger();
    const layer: unknown[] = [];
    watchDataLayer({ dataLayer: layer }, () => {
      throw new Error('boom');
    }, log);
    expect(() => layer.push(view('a'))).not.toThrow();
    expect(() => layer.push({ event: 'view_item', ecommerce: { items: [{}] } })).not.toThrow();
    expect(layer).toHaveLength(2);
    expect(log.warn).toHaveBeenCalledTimes(2);
  });

  test('an error in the original push reaches the page as before', () => {
    const layer: unknown[] = [];
    layer.push = () => {
      throw new Error('gtm');
    };
    watchDataLayer({ dataLayer: layer }, () => {}, logger());
    expect(() => layer.push(view('a'))).toThrow('gtm');
  });

  test('push replaced after us (without calling ours): no crash, nothing sent', () => {
    const layer: unknown[] = [];
    const sent: TrackPayload[] = [];
    watchDataLayer({ dataLayer: layer }, (p) => sent.push(p), logger());
    const theirs = vi.fn(() => 0);
    layer.push = theirs;
    expect(() => layer.push(view('a'))).not.toThrow();
    expect(layer.push).toBe(theirs);
    expect(sent).toHaveLength(0);
  });

  test('a wrapper installed after us (GTM wraps push when it loads) still reaches us', () => {
    const layer: unknown[] = [];
    const sent: TrackPayload[] = [];
    watchDataLayer({ dataLayer: layer }, (p) => sent.push(p), logger());
    const ours = layer.push;
    layer.push = function (this: unknown[], ...args: unknown[]) {
      return ours.apply(this, args);
    };
    layer.push(view('a'));
    expect(ids(sent)).toEqual(['a']);
  });

  test('a page without a dataLayer gets one, watched: what GTM pushes to it later is seen', () => {
    const w: { dataLayer?: unknown[] } = {};
    const sent: TrackPayload[] = [];
    watchDataLayer(w, (p) => sent.push(p), logger());
    w.dataLayer!.push(view('a'));
    expect(ids(sent)).toEqual(['a']);
  });

  test('a frozen layer is logged, not thrown', () => {
    const log = logger();
    const layer = Object.freeze([view('a')]) as unknown[];
    const sent: TrackPayload[] = [];
    expect(() => watchDataLayer({ dataLayer: layer }, (p) => sent.push(p), log)).not.toThrow();
    expect(ids(sent)).toEqual(['a']);
    expect(log.warn).toHaveBeenCalled();
  });
});
