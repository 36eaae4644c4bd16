import type { Cart, CartItem, Properties, TrackPayload } from '../types';
import { addedToCart, startedCheckout, viewedProduct } from './ecommerce';
import { rename } from './rename';

// Segment / RudderStack ecommerce spec (snake_case) into the helpers' camelCase inputs.
const PRODUCT = 'id product_id id|compareAtPrice compare_at_price|imageUrl image_url|rowTotal row_total|categories categories category';
const CART = 'items items products|total value revenue total|checkoutUrl checkout_url|itemNames item_names';

const products = (v: unknown): CartItem[] =>
  (Array.isArray(v) ? v : []).filter((p) => p && typeof p == 'object').map((p) => rename(p, PRODUCT));

/** Klaviyo's payload for a spec ecommerce event; undefined for any other metric, which passes through as is. */
export function fromSpec(metric: string, properties: Properties, now?: number): TrackPayload | undefined {
  const name = metric.trim().toLowerCase();
  if (name == 'product viewed' || name == 'product clicked') return viewedProduct(rename(properties, PRODUCT));
  if (name == 'product added') {
    // The top level is the added product, plus what the source knows about the cart.
    const { items, total, checkoutUrl, itemNames, ...item } = rename(properties, CART);
    return addedToCart(rename(item, PRODUCT), { items: products(items), total, checkoutUrl, itemNames } as Cart);
  }
  if (name == 'checkout started') {
    const cart = rename(properties, 'id order_id checkout_id cart_id|' + CART);
    return startedCheckout({ ...cart, items: products(cart.items) }, now);
  }
}
