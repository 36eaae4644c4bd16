import { describe, expect, test } from 'vitest';
import { fromGa4 } from '../src/adapters/ga4';
import { placedOrder } from '../src/adapters/orders';
import { fromSpec } from '../src/adapters/spec';
import { KlaviyoLiteError } from '../src/errors';
import type { TrackPayload } from '../src/types';
import { expectSendable } from './helpers/adapters';

// One order, described in the three vocabularies we accept.
const helpers = {
  id: 'R-1001',
  currency: 'usd',
  discountCode: 'HUNNY',
  discountValue: '5.00',
  items: [
    { id: 'WTP-1', sku: 'wtp-hc', name: 'Winnie the Pooh', price: '9.99', quantity: 2, brand: 'Hundred Acre', categories: ['Books', 'Kids'], url: 'https://shop.example/p/wtp', imageUrl: 'https://shop.example/i/wtp.png' },
    { id: 'TTC-2', name: 'A Tale of Two Cities', price: { amount: '19.99', currencyCode: 'USD' } as never, brand: 'Harcourt', categories: ['Books', 'Classics'] },
  ],
};
const spec = {
  order_id: 'R-1001',
  currency: 'USD',
  coupon: 'HUNNY',
  discount: 5,
  products: [
    { product_id: 'WTP-1', sku: 'wtp-hc', name: 'Winnie the Pooh', price: 9.99, quantity: '2', brand: 'Hundred Acre', categories: ['Books', 'Kids'], url: 'https://shop.example/p/wtp', image_url: 'https://shop.example/i/wtp.png' },
    { product_id: 'TTC-2', name: 'A Tale of Two Cities', price: '$19.99', brand: 'Harcourt', category: ['Books', 'Classics'] },
  ],
};

const pooh = {
  ProductID: 'WTP-1', SKU: 'wtp-hc', ProductName: 'Winnie the Pooh', ItemPrice: 9.99, Quantity: 2, RowTotal: 19.98,
  ProductCategories: ['Books', 'Kids'], ProductURL: 'https://shop.example/p/wtp', ImageURL: 'https://shop.example/i/wtp.png',
};
const tale = { ProductID: 'TTC-2', ProductName: 'A Tale of Two Cities', ItemPrice: 19.99, RowTotal: 19.99, ProductCategories: ['Books', 'Classics'] };

const placed = {
  metric: 'Placed Order',
  properties: {
    OrderId: 'R-1001',
    DiscountCode: 'HUNNY',
    DiscountValue: 5,
    $value: 39.97,
    ItemNames: ['Winnie the Pooh', 'A Tale of Two Cities'],
    Categories: ['Books', 'Kids', 'Classics'],
    Brands: ['Hundred Acre', 'Harcourt'],
    Items: [
      { ...pooh, Brand: 'Hundred Acre' },
      { ...tale, Brand: 'Harcourt' },
    ],
  },
  value: 39.97,
  valueCurrency: 'USD',
  uniqueId: 'R-1001',
};
const lines: TrackPayload[] = [
  { metric: 'Ordered Product', properties: { OrderId: 'R-1001', ...pooh, ProductBrand: 'Hundred Acre' }, value: 19.98, valueCurrency: 'USD', uniqueId: 'R-1001_WTP-1' },
  { metric: 'Ordered Product', properties: { OrderId: 'R-1001', ...tale, ProductBrand: 'Harcourt' }, value: 19.99, valueCurrency: 'USD', uniqueId: 'R-1001_TTC-2' },
];

const ga4 = {
  event: 'purchase',
  ecommerce: {
    transaction_id: 'R-1001',
    currency: 'USD',
    items: [
      { item_id: 'WTP-1', item_name: 'Winnie the Pooh', price: 9.99, quantity: 2, item_brand: 'Hundred Acre', item_category: 'Books', item_category2: 'Kids' },
      { item_id: 'TTC-2', item_name: 'A Tale of Two Cities', price: 19.99, item_brand: 'Harcourt', item_category: 'Books', item_category2: 'Classics' },
    ],
  },
};
// GA4 items have no SKU, URL or image, and GA4 has no discount code field of ours (its `coupon` is kept).
const ga4Line = (line: Record<string, unknown>) => {
  const { SKU: _s, ProductURL: _u, ImageURL: _i, ...rest } = line;
  return rest;
};

describe('one order, three vocabularies', () => {
  test('the typed helper: Placed Order, then one Ordered Product per line', () => {
    const payload = placedOrder(helpers);
    const { lines: sent, ...order } = payload;
    expect(order).toEqual(placed);
    expect(sent).toEqual(lines);
    expectSendable(order);
    sent!.forEach(expectSendable);
  });

  test.each(['Order Completed', 'order completed ', 'Completed Order'])('track("%s") with spec names gives the same', (name) => {
    expect(fromSpec(name, spec)).toEqual(placedOrder(helpers));
  });

  test('GA4 purchase, when asked for, gives the same but for what GA4 does not carry', () => {
    const payload = fromGa4(ga4, true)!;
    expect(payload.metric).toBe('Placed Order');
    expect(payload.uniqueId).toBe('R-1001');
    expect(payload.properties.Items).toEqual(placed.properties.Items.map(ga4Line));
    expect(payload.lines!.map((l) => [l.uniqueId, l.value, l.properties])).toEqual(lines.map((l) => [l.uniqueId, l.value, ga4Line(l.properties)]));
  });

  test('GA4 purchase is not ours unless asked for: a platform sending Placed Order itself would count it twice', () => {
    expect(fromGa4(ga4)).toBeUndefined();
    expect(fromGa4(ga4, false)).toBeUndefined();
  });
});

describe('placedOrder', () => {
  test('the total defaults to the sum of the row totals; a given total wins, as a string or money object', () => {
    expect(placedOrder({ id: 1, items: [{ id: 'a', price: '2.10', quantity: 3 }, { sku: 'b', price: 1 }] }).value).toBe(7.3);
    expect(placedOrder({ id: 1, total: '$12.50', items: [{ id: 'a', price: 2 }] })).toMatchObject({ value: 12.5, properties: { $value: 12.5 } });
    expect(placedOrder({ id: 1, total: { amount: '8.00' } as never, items: [] }).value).toBe(8);
  });

  test('the same product on two lines: the second line gets _2, the third _3, the same every time', () => {
    const order = { id: 'R-9', items: [{ id: 'a', price: 1 }, { id: 'b', price: 1 }, { id: 'a', price: 2 }, { id: 'a', price: 3 }] };
    const ids = placedOrder(order).lines!.map((l) => l.uniqueId);
    expect(ids).toEqual(['R-9_a', 'R-9_b', 'R-9_a_2', 'R-9_a_3']);
    expect(placedOrder(order).lines!.map((l) => l.uniqueId)).toEqual(ids);
  });

  test('a product whose own id looks like a numbered duplicate does not collide with one', () => {
    const ids = placedOrder({ id: 'R', items: [{ id: 'a_2' }, { id: 'a' }, { id: 'a' }] }).lines!.map((l) => l.uniqueId);
    expect(ids).toEqual(['R_a_2', 'R_a', 'R_a_3']);
  });

  test('the unique_id uses the product id, else the SKU; numeric ids become strings', () => {
    const payload = placedOrder({ id: 42, items: [{ id: 7, sku: 'S7' }, { sku: 'S8' }] });
    expect(payload.uniqueId).toBe('42');
    expect(payload.properties.OrderId).toBe(42);
    expect(payload.lines!.map((l) => l.uniqueId)).toEqual(['42_7', '42_S8']);
  });

  test('a line with neither id nor sku stays in Items but gets no Ordered Product', () => {
    const payload = placedOrder({ id: 'R', items: [{ name: 'Gift wrap', price: 2 }, { id: 'a', price: 3 }] });
    expect(payload.properties.Items).toEqual([
      { ProductName: 'Gift wrap', ItemPrice: 2, RowTotal: 2 },
      { ProductID: 'a', ItemPrice: 3, RowTotal: 3 },
    ]);
    expect(payload.properties.ItemNames).toEqual(['Gift wrap']);
    expect(payload.value).toBe(5);
    expect(payload.lines!.map((l) => l.uniqueId)).toEqual(['R_a']);
  });

  test.each([
    ['no id', { items: [] }],
    ['an empty id', { id: '', items: [] }],
    ['an object id', { id: { token: 'x' }, items: [] }],
    ['NaN', { id: NaN, items: [] }],
    ['no order at all', undefined],
    ['a string', 'R-1'],
  ])('an order with %s is refused (invalid_order)', (_why, order) => {
    let error: unknown;
    try {
      placedOrder(order as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KlaviyoLiteError);
    expect((error as KlaviyoLiteError).code).toBe('invalid_order');
  });

  test("the store's own keys are kept, on the order and on each line; an unreadable discount is left out", () => {
    const payload = placedOrder({ id: 'R', shipping: 4, discountValue: 'free', items: [{ id: 'a', giftNote: 'Hi' }] });
    expect(payload.properties).toMatchObject({ shipping: 4 });
    expect(payload.properties).not.toHaveProperty('DiscountValue');
    expect(payload.lines![0].properties).toEqual({ OrderId: 'R', ProductID: 'a', giftNote: 'Hi' });
    expect(payload.lines![0]).not.toHaveProperty('value');
  });

  test('an order without lines is one Placed Order and no Ordered Product', () => {
    const payload = placedOrder({ id: 'R', total: 10, items: [] });
    expect(payload).toMatchObject({ metric: 'Placed Order', value: 10, uniqueId: 'R', lines: [] });
  });
});

describe('Order Completed spec names', () => {
  test('orderId (Segment classic) and products[].productUrl are read too', () => {
    const payload = fromSpec('Order Completed', { orderId: 'X', products: [{ id: 'p', productUrl: 'https://shop.example/p' }] })!;
    expect(payload.uniqueId).toBe('X');
    expect(payload.lines![0].properties).toMatchObject({ ProductURL: 'https://shop.example/p', ProductID: 'p' });
  });

  test('value, else revenue, else total is the order total', () => {
    expect(fromSpec('Order Completed', { order_id: 'X', value: 20, revenue: 25, products: [] })).toMatchObject({ value: 20, properties: { revenue: 25 } });
    expect(fromSpec('Order Completed', { order_id: 'X', revenue: 25, total: 30, products: [] })!.value).toBe(25);
    expect(fromSpec('Order Completed', { order_id: 'X', total: '30', products: [] })!.value).toBe(30);
  });

  test("already in Klaviyo's shape ($event_id, Items: Segment's device mode, which sends its own Ordered Product events) it passes through", () => {
    const segment = { $event_id: 'ord_5001', $value: 120, ItemNames: ['Monopoly'], Items: [{ ProductID: 'p-1', Quantity: 2 }], coupon: 'SPRING' };
    expect(fromSpec('Order Completed', segment)).toBeUndefined();
    expect(fromSpec('Order Completed', { $event_id: 'ord_5001', products: [{ product_id: 'p' }] })).toBeUndefined();
    expect(fromSpec('Order Completed', { order_id: 'o', Items: [] })).toBeUndefined();
  });

  test('without an order id it is refused, not sent as a Placed Order that would count on every reload', () => {
    expect(() => fromSpec('Order Completed', { revenue: 3, products: [] })).toThrow(/no order id/);
  });
});
