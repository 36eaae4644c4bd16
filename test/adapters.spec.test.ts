import { describe, expect, test } from 'vitest';
import { fromSpec } from '../src/adapters/spec';
import { KlaviyoLiteError } from '../src/errors';
import { expectSendable } from './helpers/adapters';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const SECONDS = NOW / 1000;

describe('fromSpec: names', () => {
  test.each([
    ['Product Viewed', 'Viewed Product'],
    ['product viewed', 'Viewed Product'],
    ['  PRODUCT CLICKED ', 'Viewed Product'],
    ['Product Added', 'Added to Cart'],
    ['product added', 'Added to Cart'],
    ['Checkout Started', 'Started Checkout'],
    ['checkout started ', 'Started Checkout'],
  ])('%j → %s', (source, metric) => {
    expect(fromSpec(source, { product_id: 'p', products: [] })?.metric).toBe(metric);
  });

  test.each(['Viewed Product', 'Added to Cart', 'Started Checkout', 'Placed Order', 'Product Removed', 'Products Searched', 'product  viewed'])(
    '%j is not ours: undefined, so it passes through',
    (metric) => expect(fromSpec(metric, { ProductID: 'p' })).toBeUndefined(),
  );
});

describe('fromSpec: Product Viewed', () => {
  test('maps the spec fields, keeps the rest', () => {
    const payload = fromSpec('Product Viewed', {
      product_id: '507f1f77bcf86cd799439011',
      sku: 'G-32',
      category: 'Games',
      name: 'Monopoly: 3rd Edition',
      brand: 'Hasbro',
      variant: '200 pieces',
      price: '18.99',
      compare_at_price: '$24.00',
      quantity: 1,
      coupon: 'MAYDEALS',
      currency: 'usd',
      position: 3,
      value: 18.99,
      url: 'https://www.example.com/product/path',
      image_url: 'https://www.example.com/product/path.jpg',
    });
    expect(payload).toEqual({
      metric: 'Viewed Product',
      properties: {
        ProductID: '507f1f77bcf86cd799439011',
        SKU: 'G-32',
        Categories: ['Games'],
        ProductName: 'Monopoly: 3rd Edition',
        Brand: 'Hasbro',
        Price: 18.99,
        CompareAtPrice: 24,
        Quantity: 1,
        URL: 'https://www.example.com/product/path',
        ImageURL: 'https://www.example.com/product/path.jpg',
        variant: '200 pieces',
        coupon: 'MAYDEALS',
        position: 3,
        value: 18.99,
      },
      value: 18.99,
      valueCurrency: 'USD',
    });
    expectSendable(payload);
  });

  test('product_id wins over id; categories over category; a lone id or sku is enough', () => {
    expect(fromSpec('Product Viewed', { product_id: 'a', id: 'b', categories: ['X'], category: 'Y' })?.properties).toEqual({
      ProductID: 'a',
      Categories: ['X'],
      category: 'Y',
    });
    expect(fromSpec('Product Viewed', { id: 7 })?.properties).toEqual({ ProductID: 7 });
    expect(fromSpec('Product Viewed', { sku: 'S' })?.properties).toEqual({ SKU: 'S' });
  });

  test('refuses a product with no product_id, sku or id', () => {
    expect(() => fromSpec('Product Viewed', { name: 'Mystery', price: 1 })).toThrow(KlaviyoLiteError);
  });
});

describe('fromSpec: Product Added', () => {
  test('top level is the added product; value, checkout_url, item_names and products/items describe the cart', () => {
    const payload = fromSpec('Product Added', {
      cart_id: 'skdjsidjsdkdj29j',
      product_id: '507f1f77bcf86cd799439011',
      sku: 'G-32',
      category: 'Games',
      name: 'Monopoly: 3rd Edition',
      price: 18.99,
      quantity: '2',
      currency: 'USD',
      value: '$41.99',
      checkout_url: 'https://shop.example/checkout',
      products: [
        { product_id: '507f1f77bcf86cd799439011', sku: 'G-32', name: 'Monopoly: 3rd Edition', price: 18.99, quantity: 2, category: 'Games' },
        { product_id: '505bd76785ebb509fc183733', name: 'Uno', price: 4.01, quantity: 1, row_total: 4.01, url: 'https://shop.example/uno', image_url: 'https://shop.example/uno.jpg', gift: true },
      ],
    });
    expect(payload).toEqual({
      metric: 'Added to Cart',
      properties: {
        cart_id: 'skdjsidjsdkdj29j',
        $value: 41.99,
        AddedItemProductID: '507f1f77bcf86cd799439011',
        AddedItemSKU: 'G-32',
        AddedItemCategories: ['Games'],
        AddedItemProductName: 'Monopoly: 3rd Edition',
        AddedItemPrice: 18.99,
        AddedItemQuantity: 2,
        ItemNames: ['Monopoly: 3rd Edition', 'Uno'],
        CheckoutURL: 'https://shop.example/checkout',
        Items: [
          { ProductID: '507f1f77bcf86cd799439011', SKU: 'G-32', ProductName: 'Monopoly: 3rd Edition', ItemPrice: 18.99, Quantity: 2, RowTotal: 37.98, ProductCategories: ['Games'] },
          {
            gift: true,
            ProductID: '505bd76785ebb509fc183733',
            ProductName: 'Uno',
            ItemPrice: 4.01,
            Quantity: 1,
            RowTotal: 4.01,
            ProductURL: 'https://shop.example/uno',
            ImageURL: 'https://shop.example/uno.jpg',
          },
        ],
      },
      value: 41.99,
      valueCurrency: 'USD',
    });
    expectSendable(payload);
  });

  test('items wins over products (the other stays as a custom property)', () => {
    const payload = fromSpec('Product Added', { sku: 'S', items: [{ sku: 'I', price: 1 }], products: [{ sku: 'P', price: 2 }] })!;
    expect(payload.properties.Items).toEqual([{ SKU: 'I', ItemPrice: 1, RowTotal: 1 }]);
    expect(payload.value).toBe(1);
  });

  test('given item_names win; without products there are no Items', () => {
    const payload = fromSpec('Product Added', { sku: 'S', price: 3, item_names: ['book1', 'book2'], value: 12.12 })!;
    expect(payload.properties).toEqual({ $value: 12.12, AddedItemSKU: 'S', AddedItemPrice: 3, ItemNames: ['book1', 'book2'] });
  });

  test('value, then revenue, then total; an unused revenue stays', () => {
    expect(fromSpec('Product Added', { sku: 'S', value: 4, revenue: 5 })).toMatchObject({ value: 4, properties: { $value: 4, revenue: 5 } });
    // Known limit: a losing `total` is the helpers' own input name, so it cannot also stay as a custom property.
    expect(fromSpec('Product Added', { sku: 'S', revenue: 5, total: 6 })?.properties).toEqual({ $value: 5, AddedItemSKU: 'S' });
    expect(fromSpec('Product Added', { sku: 'S', total: '6' })).toMatchObject({ value: 6, properties: { $value: 6 } });
  });

  test('refuses when only the cart is described: nothing says which product was added', () => {
    expect(() => fromSpec('Product Added', { value: 12, products: [{ product_id: 'a' }] })).toThrow(/Added to Cart: no product id or sku/);
  });
});

describe('fromSpec: Checkout Started', () => {
  const checkout = {
    order_id: '50314b8e9bcf000000000000',
    affiliation: 'Google Store',
    value: 30,
    revenue: 25,
    shipping: 3,
    tax: 2,
    discount: 2.5,
    coupon: 'hasbros',
    currency: 'USD',
    checkout_url: 'https://shop.example/checkout',
    products: [
      { product_id: '507f1f77bcf86cd799439011', sku: '45790-32', name: 'Monopoly: 3rd Edition', price: 19, quantity: 1, category: 'Games', url: 'https://www.example.com/product/path', image_url: 'https://www.example.com/product/path.jpg' },
      { product_id: '505bd76785ebb509fc183733', sku: '46493-32', name: 'Uno Card Game', price: '3', quantity: 2, categories: ['Games', 'Cards'] },
    ],
  };

  test('maps the cart; $event_id = order id + seconds; custom order properties stay', () => {
    const payload = fromSpec('Checkout Started', checkout, NOW);
    const id = `50314b8e9bcf000000000000_${SECONDS}`;
    expect(payload).toEqual({
      metric: 'Started Checkout',
      properties: {
        $event_id: id,
        $value: 30,
        affiliation: 'Google Store',
        revenue: 25,
        shipping: 3,
        tax: 2,
        discount: 2.5,
        coupon: 'hasbros',
        CheckoutURL: 'https://shop.example/checkout',
        Categories: ['Games', 'Cards'],
        ItemNames: ['Monopoly: 3rd Edition', 'Uno Card Game'],
        Items: [
          {
            ProductID: '507f1f77bcf86cd799439011',
            SKU: '45790-32',
            ProductName: 'Monopoly: 3rd Edition',
            ItemPrice: 19,
            Quantity: 1,
            RowTotal: 19,
            ProductURL: 'https://www.example.com/product/path',
            ImageURL: 'https://www.example.com/product/path.jpg',
            ProductCategories: ['Games'],
          },
          { ProductID: '505bd76785ebb509fc183733', SKU: '46493-32', ProductName: 'Uno Card Game', ItemPrice: 3, Quantity: 2, RowTotal: 6, ProductCategories: ['Games', 'Cards'] },
        ],
      },
      value: 30,
      valueCurrency: 'USD',
      uniqueId: id,
    });
    expectSendable(payload);
  });

  test('order_id, then checkout_id, then cart_id; none: no dedupe id', () => {
    expect(fromSpec('Checkout Started', { checkout_id: 'k', cart_id: 'c', products: [] }, NOW)).toMatchObject({ uniqueId: `k_${SECONDS}`, properties: { cart_id: 'c' } });
    expect(fromSpec('Checkout Started', { cart_id: 'c', products: [] }, NOW)?.uniqueId).toBe(`c_${SECONDS}`);
    const anonymous = fromSpec('Checkout Started', { products: [{ sku: 'a', price: 2 }] }, NOW)!;
    expect(anonymous.uniqueId).toBeUndefined();
    expect(anonymous.properties.$event_id).toBeUndefined();
    expect(anonymous.value).toBe(2);
  });

  test('given categories and item_names win over derived ones', () => {
    const payload = fromSpec('Checkout Started', { ...checkout, categories: ['Fun'], item_names: ['Monopoly'] }, NOW)!;
    expect(payload.properties).toMatchObject({ Categories: ['Fun'], ItemNames: ['Monopoly'] });
  });

  test('cart items without an id are still sent', () => {
    const payload = fromSpec('Checkout Started', { products: [{ name: 'Gift card', price: 25 }] }, NOW)!;
    expect(payload.properties.Items).toEqual([{ ProductName: 'Gift card', ItemPrice: 25, RowTotal: 25 }]);
  });

  test("a line's total is its RowTotal, and the cart's value is built from it", () => {
    const payload = fromSpec('Checkout Started', { order_id: 'o1', products: [{ product_id: 'a', price: 2, quantity: 3, total: 5 }] }, NOW)!;
    expect(payload.properties.Items).toEqual([{ ProductID: 'a', ItemPrice: 2, Quantity: 3, RowTotal: 5 }]);
    expect(payload.properties.$value).toBe(5);
  });

  test("a line's row_total wins over its total", () => {
    const payload = fromSpec('Checkout Started', { products: [{ product_id: 'a', price: 2, quantity: 3, row_total: 6, total: 5.5 }] }, NOW)!;
    expect(payload.properties.Items).toEqual([{ ProductID: 'a', ItemPrice: 2, Quantity: 3, RowTotal: 6 }]);
    expect(payload.properties.$value).toBe(6);
  });

  test('junk in products is skipped', () => {
    const payload = fromSpec('Checkout Started', { products: [null, 'x', 3, { sku: 'a' }] }, NOW)!;
    expect(payload.properties.Items).toEqual([{ SKU: 'a' }]);
  });
});
