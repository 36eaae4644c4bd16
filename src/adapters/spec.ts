import type { Cart, CartItem, Order, Properties, TrackPayload } from '../types';
import { addedToCart, objects, startedCheckout, viewedProduct } from './ecommerce';
import { placedOrder } from './orders';
import { rename } from './rename';

// Segment / RudderStack ecommerce spec (snake_case) into the helpers' camelCase inputs.
const PRODUCT = 'id product_id id|compareAtPrice compare_at_price|imageUrl image_url|rowTotal row_total|categories categories category';
// A line's `total` is its row total (a product's is not: on Product Added it is the cart's).
const LINE = PRODUCT.replace('row_total', 'row_total total');
const CART = 'items items products|total value revenue total|checkoutUrl checkout_url|itemNames item_names';

/** Klaviyo's payload for a spec ecommerce event; undefined for any other metric, which passes through as is. */
export function fromSpec(metric: string, properties: Properties, now?: number): TrackPayload | undefined {
  const name = metric.trim().toLowerCase();
  if (/^product (viewed|clicked)$/.test(name)) return viewedProduct(rename(PRODUCT, properties));
  // Already in Klaviyo's shape, as Segment's device mode sends it (with Ordered Product events of its own): not ours.
  if (/^(order completed|completed order)$/.test(name) && !('$event_id' in properties || 'Items' in properties)) {
    const order = rename('id order_id orderId|discountCode coupon|discountValue discount|' + CART, properties) as Order;
    order.items = objects(order.items).map((i) => rename(LINE + '|url url productUrl', i)) as CartItem[];
    return placedOrder(order);
  }
  const added = name == 'product added';
  if (!added && name != 'checkout started') return;
  // Product Added: the top level is the added product, plus what the source knows about the cart. The helpers
  // read only cart keys from the cart and only product keys from the item, so one object serves as both.
  const p = rename(added ? CART + '|' + PRODUCT : 'id order_id checkout_id cart_id|' + CART, properties) as Cart;
  p.items = objects(p.items).map((i) => rename(LINE, i)) as CartItem[];
  return added ? addedToCart(p, p) : startedCheckout(p, now);
}
