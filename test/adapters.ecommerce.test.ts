import { describe, expect, test, vi } from 'vitest';
import { addedToCart, startedCheckout, viewedProduct } from '../src/adapters/ecommerce';
import { fromGa4 } from '../src/adapters/ga4';
import { fromSpec } from '../src/adapters/spec';
import { eventBody } from '../src/events/body';
import { KlaviyoLiteError } from '../src/errors';
import type { TrackPayload } from '../src/types';
import { expectSendable } from './helpers/adapters';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const SECONDS = NOW / 1000;

// One cart, described in the three vocabularies we accept.
const pooh = { id: 'WTP-1', name: 'Winnie the Pooh', price: '9.99', brand: 'Hundred Acre', categories: ['Books', 'Kids'] };
const tale = { id: 'TTC-2', name: 'A Tale of Two Cities', price: 19.99, brand: 'Harcourt', categories: ['Books', 'Classics'] };
const spec = {
  pooh: { product_id: 'WTP-1', name: 'Winnie the Pooh', price: '9.99', brand: 'Hundred Acre', categories: ['Books', 'Kids'] },
  tale: { product_id: 'TTC-2', name: 'A Tale of Two Cities', price: 19.99, brand: 'Harcourt', category: ['Books', 'Classics'] },
};
const ga4 = {
  pooh: { item_id: 'WTP-1', item_name: 'Winnie the Pooh', price: 9.99, item_brand: 'Hundred Acre', item_category: 'Books', item_category2: 'Kids' },
  tale: { item_id: 'TTC-2', item_name: 'A Tale of Two Cities', price: 19.99, item_brand: 'Harcourt', item_category: 'Books', item_category2: 'Classics' },
};

const viewed: TrackPayload = {
  metric: 'Viewed Product',
  properties: { ProductID: 'WTP-1', ProductName: 'Winnie the Pooh', Price: 9.99, Brand: 'Hundred Acre', Categories: ['Books', 'Kids'] },
  value: 9.99,
  valueCurrency: 'USD',
};
const added: TrackPayload = {
  metric: 'Added to Cart',
  properties: {
    $value: 19.98,
    AddedItemProductID: 'WTP-1',
    AddedItemProductName: 'Winnie the Pooh',
    AddedItemPrice: 9.99,
    AddedItemBrand: 'Hundred Acre',
    AddedItemCategories: ['Books', 'Kids'],
    AddedItemQuantity: 2,
  },
  value: 19.98,
  valueCurrency: 'USD',
};
const checkout: TrackPayload = {
  metric: 'Started Checkout',
  properties: {
    $event_id: `c-42_${SECONDS}`,
    $value: 39.97,
    ItemNames: ['Winnie the Pooh', 'A Tale of Two Cities'],
    Categories: ['Books', 'Kids', 'Classics'],
    Items: [
      { ProductID: 'WTP-1', ProductName: 'Winnie the Pooh', ItemPrice: 9.99, Quantity: 2, RowTotal: 19.98, Brand: 'Hundred Acre', ProductCategories: ['Books', 'Kids'] },
      { ProductID: 'TTC-2', ProductName: 'A Tale of Two Cities', ItemPrice: 19.99, Quantity: 1, RowTotal: 19.99, Brand: 'Harcourt', ProductCategories: ['Books', 'Classics'] },
    ],
  },
  value: 39.97,
  valueCurrency: 'USD',
  uniqueId: `c-42_${SECONDS}`,
};

const table: Array<[string, string, () => TrackPayload | undefined, TrackPayload]> = [
  ['Viewed Product', 'helpers', () => viewedProduct({ ...pooh, currency: 'usd' }), viewed],
  ['Viewed Product', 'spec', () => fromSpec('Product Viewed', { ...spec.pooh, currency: 'USD' }), viewed],
  ['Viewed Product', 'ga4', () => fromGa4({ event: 'view_item', ecommerce: { currency: 'USD', value: 9.99, items: [ga4.pooh] } }), viewed],
  ['Added to Cart', 'helpers', () => addedToCart({ ...pooh, quantity: 2, currency: 'USD' }), added],
  ['Added to Cart', 'spec', () => fromSpec('Product Added', { ...spec.pooh, quantity: '2', currency: 'USD' }), added],
  ['Added to Cart', 'ga4', () => fromGa4({ event: 'add_to_cart', ecommerce: { currency: 'USD', value: 19.98, items: [{ ...ga4.pooh, quantity: 2 }] } }), added],
  ['Started Checkout', 'helpers', () => startedCheckout({ id: 'c-42', currency: 'USD', items: [{ ...pooh, quantity: 2 }, { ...tale, quantity: 1 }] }, NOW), checkout],
  ['Started Checkout', 'spec', () => fromSpec('Checkout Started', { cart_id: 'c-42', revenue: '39.97', currency: 'USD', products: [{ ...spec.pooh, quantity: 2 }, { ...spec.tale, quantity: 1 }] }, NOW), checkout],
  ['Started Checkout', 'ga4', () => {
    // The dataLayer gives no time: the dedupe id takes the clock's.
    vi.spyOn(Date, 'now').mockReturnValueOnce(NOW);
    return fromGa4({ event: 'begin_checkout', ecommerce: { transaction_id: 'c-42', currency: 'USD', value: 39.97, items: [{ ...ga4.pooh, quantity: 2 }, { ...ga4.tale, quantity: 1 }] } });
  }, checkout],
];

describe('one cart, three vocabularies', () => {
  test.each(table)('%s from %s', (_metric, _source, run, expected) => {
    const payload = run();
    expect(payload).toEqual(expected);
    expectSendable(payload);
  });

  test.each(['Viewed Product', 'Added to Cart', 'Started Checkout'])('%s: every source gives the same properties', (metric) => {
    const [first, ...others] = table.filter((row) => row[0] === metric).map((row) => row[2]()!.properties);
    for (const other of others) expect(other).toEqual(first);
  });
});

describe('viewedProduct', () => {
  test.each([
    ['12,99 €', undefined],
    ['1.299,00 €', undefined],
    ['1,2345', undefined],
    ['1,299.00 €', 1299],
    ['$1,234,567.5', 1234567.5],
    ['USD 15.98', 15.98],
    ['1 299.00', 1299],
    ['₹1,23,456.00', 123456],
    ['12,34,567', 1234567],
  ])('a price of %j reads as %j: decimal commas are not guessed at', (price, expected) => {
    expect(viewedProduct({ id: 1, price }).properties.Price).toBe(expected);
  });

  test('maps every field, keeps custom ones, value = Price', () => {
    const payload = viewedProduct({
      id: 1111,
      sku: 'WINNIEPOOH',
      name: 'Winnie the Pooh',
      price: '$15.98',
      compareAtPrice: '19.99',
      url: 'https://shop.example/pooh',
      imageUrl: 'https://shop.example/pooh.png',
      categories: ['Kids', 'Books', 'Kids'],
      brand: 'Kids Books',
      Handle: 'winnie-the-pooh',
      StoreId: 1,
    });
    expect(payload).toEqual({
      metric: 'Viewed Product',
      properties: {
        ProductID: 1111,
        SKU: 'WINNIEPOOH',
        ProductName: 'Winnie the Pooh',
        Price: 15.98,
        CompareAtPrice: 19.99,
        URL: 'https://shop.example/pooh',
        ImageURL: 'https://shop.example/pooh.png',
        Categories: ['Kids', 'Books'],
        Brand: 'Kids Books',
        Handle: 'winnie-the-pooh',
        StoreId: 1,
      },
      value: 15.98,
    });
    expectSendable(payload);
  });

  test('leaves out missing, null, empty and non-numeric fields', () => {
    const payload = viewedProduct({ sku: 'S-1', name: '', price: 'call us', brand: undefined, url: null as never, categories: [], note: null, n: NaN });
    expect(payload).toEqual({ metric: 'Viewed Product', properties: { SKU: 'S-1' } });
    expectSendable(payload);
  });

  test.each([{}, { id: '' }, { name: 'Nameless', price: 5 }, null, 'WTP-1'])('refuses a product with no id or sku: %j', (product) => {
    const run = () => viewedProduct(product as never);
    expect(run).toThrow(KlaviyoLiteError);
    expect(run).toThrow(/Viewed Product: no product id or sku/);
    try {
      run();
    } catch (error) {
      expect((error as KlaviyoLiteError).code).toBe('invalid_product');
    }
  });

  test('takes MoneyV2-like prices', () => {
    expect(viewedProduct({ id: 'x', price: { amount: '749.95', currencyCode: 'USD' } as never }).value).toBe(749.95);
  });
});

describe('addedToCart', () => {
  const cart = {
    id: 'cart-1',
    total: '$49.97',
    checkoutUrl: 'https://shop.example/checkout',
    currency: 'eur',
    giftWrap: true,
    items: [{ ...pooh, quantity: 2 }, { ...tale, sku: 'TALE', url: 'https://shop.example/tale', imageUrl: 'https://shop.example/tale.png', rowTotal: '29.99', engraving: 'J.' }],
  };

  test('with the cart: $value is the cart total, ItemNames and Items from its items', () => {
    const payload = addedToCart({ ...tale, sku: 'TALE', quantity: 1, engraving: 'J.' }, cart);
    expect(payload).toEqual({
      metric: 'Added to Cart',
      properties: {
        giftWrap: true,
        engraving: 'J.',
        $value: 49.97,
        AddedItemProductID: 'TTC-2',
        AddedItemSKU: 'TALE',
        AddedItemProductName: 'A Tale of Two Cities',
        AddedItemPrice: 19.99,
        AddedItemQuantity: 1,
        AddedItemBrand: 'Harcourt',
        AddedItemCategories: ['Books', 'Classics'],
        ItemNames: ['Winnie the Pooh', 'A Tale of Two Cities'],
        CheckoutURL: 'https://shop.example/checkout',
        Items: [
          { ProductID: 'WTP-1', ProductName: 'Winnie the Pooh', ItemPrice: 9.99, Quantity: 2, RowTotal: 19.98, Brand: 'Hundred Acre', ProductCategories: ['Books', 'Kids'] },
          {
            engraving: 'J.',
            ProductID: 'TTC-2',
            SKU: 'TALE',
            ProductName: 'A Tale of Two Cities',
            ItemPrice: 19.99,
            RowTotal: 29.99,
            ProductURL: 'https://shop.example/tale',
            ImageURL: 'https://shop.example/tale.png',
            Brand: 'Harcourt',
            ProductCategories: ['Books', 'Classics'],
          },
        ],
      },
      value: 49.97,
      valueCurrency: 'EUR',
    });
    expectSendable(payload);
  });

  test('cart total defaults to the sum of row totals, without float noise', () => {
    const payload = addedToCart({ id: 'a', price: 19.99, quantity: 3 }, { items: [{ id: 'a', price: 19.99, quantity: 3 }, { id: 'b', price: '0.1' }, { id: 'c' }] });
    expect(payload.value).toBe(60.07);
    expect(payload.properties.$value).toBe(60.07);
    expect((payload.properties.Items as Array<Record<string, unknown>>)[0].RowTotal).toBe(59.97);
  });

  test('without a cart: $value is the item row total and there are no Items', () => {
    expect(addedToCart({ sku: 'S', price: 5, quantity: 3 })).toEqual({
      metric: 'Added to Cart',
      properties: { $value: 15, AddedItemSKU: 'S', AddedItemPrice: 5, AddedItemQuantity: 3 },
      value: 15,
    });
    expect(addedToCart({ sku: 'S' })).toEqual({ metric: 'Added to Cart', properties: { AddedItemSKU: 'S' } });
  });

  test('refuses an added item with no id or sku', () => {
    expect(() => addedToCart({ name: 'Mystery' }, cart)).toThrow(/Added to Cart: no product id or sku/);
  });
});

describe('startedCheckout', () => {
  test('$event_id is the cart id and the time in seconds, sent as unique_id too', () => {
    const first = startedCheckout({ id: 77, items: [{ id: 'a', price: 1 }] }, NOW);
    const later = startedCheckout({ id: 77, items: [{ id: 'a', price: 1 }] }, NOW + 3_600_000);
    expect(first.uniqueId).toBe(`77_${SECONDS}`);
    expect(first.properties.$event_id).toBe(`77_${SECONDS}`);
    expect(later.uniqueId).toBe(`77_${SECONDS + 3600}`);
    expect(eventBody({ time: '2026-01-01T00:00:00Z', ...first }, { email: 'a@b.co' }).data.attributes).toMatchObject({ unique_id: `77_${SECONDS}`, value: 1 });
  });

  test('defaults to now', () => {
    const before = Math.floor(Date.now() / 1000);
    const id = startedCheckout({ id: 'c', items: [] }).uniqueId!;
    expect(Number(id.slice(2))).toBeGreaterThanOrEqual(before);
  });

  test('without a cart id: no $event_id and no uniqueId (the caller makes one)', () => {
    const payload = startedCheckout({ items: [{ id: 'a', price: '2.50', quantity: '2' }], checkoutUrl: 'https://shop.example/checkout' }, NOW);
    expect(payload).toEqual({
      metric: 'Started Checkout',
      properties: {
        $value: 5,
        CheckoutURL: 'https://shop.example/checkout',
        Items: [{ ProductID: 'a', ItemPrice: 2.5, Quantity: 2, RowTotal: 5 }],
      },
      value: 5,
    });
    expect('ItemNames' in payload.properties).toBe(false);
    expectSendable(payload);
  });

  test('given Categories / ItemNames win over derived ones; custom cart properties stay', () => {
    const payload = startedCheckout({ id: 'c', items: [{ id: 'a', name: 'A', categories: ['X'] }], categories: ['Y'], itemNames: ['Alpha'], coupon: 'TEN', shipping: 4 }, NOW);
    expect(payload.properties).toMatchObject({ Categories: ['Y'], ItemNames: ['Alpha'], coupon: 'TEN', shipping: 4 });
  });

  test('an empty cart is still a checkout, with no Items', () => {
    const payload = startedCheckout({ id: 'c', items: [], total: 0 }, NOW);
    expect(payload).toEqual({ metric: 'Started Checkout', properties: { $event_id: `c_${SECONDS}`, $value: 0 }, value: 0, uniqueId: `c_${SECONDS}` });
    expectSendable(payload);
  });

  test('refuses something that is not a cart', () => {
    expect(() => startedCheckout(undefined as never)).toThrow(KlaviyoLiteError);
  });
});
