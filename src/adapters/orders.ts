import { fail } from '../errors';
import { list, money, put, scalar, startedCheckout } from './ecommerce';
import { rename } from './rename';
import type { Cart, Logger, Order, Properties, TrackPayload } from '../types';

/**
 * Placed Order, carrying in `lines` one Ordered Product per line that names a product (by id, else SKU).
 * The cart-line mapping is Started Checkout's. The order id makes every unique_id, so a reloaded thank-you
 * page counts once; a product on two lines gets `_2` on the second, in line order, the same on every reload.
 */
export function placedOrder(order: Order): TrackPayload {
  // Renamed to names Started Checkout does not map: it keeps them as the store's own properties.
  const cart = rename('OrderId id|DiscountCode discountCode|DiscountValue discountValue', order);
  const id = cart.OrderId;
  if (!scalar(id)) fail('invalid_order', 'Placed Order: no order id');
  cart.DiscountValue = money(cart.DiscountValue);
  const placed = startedCheckout(cart as Cart);
  const items = (placed.properties.Items || []) as Properties[];
  put(placed.properties, 'Brands', [list(items.map((i) => i.Brand))]);
  const used = new Set<string>();
  const lines: TrackPayload[] = [];
  for (const item of items) {
    const product = item.ProductID == null ? item.SKU : item.ProductID;
    if (product == null) continue;
    const base = `${id}_${product}`;
    let uniqueId = base;
    // Until free: a product whose own id is "a_2" does not take the second "a" line's id.
    for (let n = 2; used.has(uniqueId); n++) uniqueId = `${base}_${n}`;
    used.add(uniqueId);
    const line = { metric: 'Ordered Product', properties: rename('ProductBrand Brand', { OrderId: id }, item), uniqueId };
    lines.push(put(line, 'value valueCurrency', [item.RowTotal, placed.valueCurrency]) as unknown as TrackPayload);
  }
  return Object.assign(placed, { metric: 'Placed Order', uniqueId: String(id), lines });
}

/**
 * Queues `payload`'s lines with `track`, a hundred at a time, leaving the page its turn in between. Before
 * each further thousand (a bulk request's worth), `flush` sends what is queued: a huge order does not
 * outgrow the outbox (localStorage). An order of up to 100 lines is queued at once.
 */
export async function trackLines(payload: TrackPayload, track: (line: TrackPayload) => boolean, log: Logger, flush: () => Promise<void>) {
  const lines = payload.lines!;
  const skipped = ((payload.properties.Items as unknown[]) || []).length - lines.length;
  if (skipped) log.debug(`no Ordered Product for ${skipped} lines without id or sku`);
  for (let i = 0; i < lines.length; i += 100) {
    if (i) await (i % 1e3 ? new Promise((resolve) => setTimeout(resolve)) : flush());
    lines.slice(i, i + 100).forEach(track);
  }
}
