import type { Cart, Logger, Order, Properties, TrackPayload } from '../types';
import { addedToCart, objects, startedCheckout, viewedProduct } from './ecommerce';
import { placedOrder } from './orders';
import { merge, rename, take } from './rename';

const ITEM = 'id item_id|name item_name|brand item_brand|variant item_variant';

/**
 * Klaviyo's payload for a GA4 `view_item`, `add_to_cart` or `begin_checkout` dataLayer event, either
 * `{ event, ecommerce }` or gtag's `['event', name, params]`; undefined for anything else.
 * GA4 has no cart id, so Started Checkout gets a dedupe id only when the event carries a transaction_id.
 */
export function fromGa4(e: Properties, purchase?: boolean): TrackPayload | undefined {
  const gtag = e[0] == 'event';
  const name = gtag ? e[1] : e.event;
  // The event's own extra parameters (coupon, item_list_name…) are kept with the product or cart.
  const rest = merge(gtag ? e[2] : e.ecommerce);
  const [items, total, currency, id] = ['items', 'value', 'currency', 'transaction_id'].map((k) => take(rest, k));
  const list = objects(items).map((item) => {
    const p = rename(ITEM, { currency }, item);
    p.categories = ['', 2, 3, 4, 5].map((n) => take(p, 'item_category' + n));
    return p;
  });
  const first = merge(rest, list[0]);
  if (name == 'view_item') return viewedProduct(first);
  // GA4's value here is what the added items are worth; the cart itself is unknown.
  if (name == 'add_to_cart') return addedToCart(first, { total } as Cart);
  const cart = Object.assign(rest, { id, items: list, total, currency }) as Order;
  if (name == 'begin_checkout') return startedCheckout(cart);
  // Only when asked (data-datalayer-purchase): a platform that sends Placed Order itself would count orders twice.
  if (name == 'purchase' && purchase) return placedOrder(cart);
}

/**
 * Sends GA4 ecommerce events found on the page's `dataLayer` (made when missing) now and pushed later, for the
 * page's lifetime. Whatever push was there (GTM's own, usually) still runs first and its result is returned; our part
 * never throws into the page.
 */
export function watchDataLayer(
  w: { dataLayer?: unknown[] },
  onPayload: (p: TrackPayload) => void,
  log: Logger,
  purchase?: boolean,
  onEntry?: (entry: object) => void,
): void {
  const seen = new WeakSet<object>();
  const see = (e: unknown) => {
    try {
      if (!e || typeof e != 'object' || seen.has(e)) return;
      seen.add(e);
      // Another reader of the same entries (consent/gcm.ts) shares this watch.
      if (onEntry) onEntry(e);
      const p = fromGa4(e as Properties, purchase);
      // The client logs what becomes of it: queued, held or dropped (or waiting for consent).
      if (p) onPayload(p);
    } catch (error) {
      log.warn('dataLayer event not sent', error);
    }
  };
  if (!w.dataLayer) w.dataLayer = [];
  const layer = w.dataLayer;
  const original = layer.push;
  try {
    layer.forEach(see);
    layer.push = function (...args: unknown[]) {
      const result = original.apply(this, args);
      args.forEach(see);
      return result;
    };
  } catch (error) {
    log.warn('dataLayer not watched', error);
  }
}
