import { fail } from '../errors';
import { toNumber } from '../events/number';
import { merge } from './rename';
import type { Cart, CartItem, Product, Properties, TrackPayload } from '../types';

// Klaviyo's recommended names, in the order `fields` returns the values.
const PRODUCT = 'ProductID SKU ProductName Categories ImageURL URL Brand Price CompareAtPrice Quantity';
const ITEM = 'ProductID SKU ProductName ProductCategories ImageURL ProductURL Brand ItemPrice CompareAtPrice Quantity RowTotal';
// Inputs we map; any other key is the store's own and is kept as is. `__proto__` is never copied: as a
// plain assignment it would replace the copy's prototype.
const KNOWN = '__proto__ id sku name categories imageUrl url brand price compareAtPrice quantity rowTotal currency items total checkoutUrl itemNames'.split(' ');
const CHECKOUT = 'Started Checkout';

const kept = (v: unknown): boolean => v != null && v === v;
export const present = (v: unknown): boolean => kept(v) && v !== '';
/** Ids, names and URLs: a string or a finite number, nothing that would read "[object Object]". */
export const scalar = (v: unknown): boolean => (typeof v == 'string' && v != '') || (typeof v == 'number' && isFinite(v));
const text = (v: unknown) => (scalar(v) ? v : undefined);

/** Numbers, numeric strings, or a MoneyV2-like `{ amount }`. */
export const money = (v: unknown): number | undefined =>
  toNumber(v && typeof v == 'object' ? (v as Properties).amount : v);

// Float noise from price × quantity ("19.99 × 3") must not reach the store owner's reports. Past 1e302
// the rounding overflows, and the number is kept as it is.
const round = (n: number) => {
  const r = Math.round(n * 1e6) / 1e6;
  return isFinite(r) ? r : toNumber(n);
};

/** A flat list of distinct strings from a value or arrays of them, nested up to three deep; undefined when empty. */
export function list(v: unknown): string[] | undefined {
  const out = [...new Set([v].flat(3).filter(scalar).map(String))];
  return out.length ? out : undefined;
}

/** The objects in `v` when it is an array; anything else in it is skipped. */
export const objects = (v: unknown): Properties[] => (Array.isArray(v) ? v.filter((x) => x && typeof x == 'object') : []);

/** The store's own keys of `source`. */
function custom(source: unknown): Properties {
  const out: Properties = {};
  for (const k in source as Properties) if (!KNOWN.includes(k) && kept((source as Properties)[k])) out[k] = (source as Properties)[k];
  return out;
}

/** Sets each of the space-separated `names` whose value is present. */
export function put(target: Properties, names: string, values: unknown[], prefix = ''): Properties {
  names.split(' ').forEach((name, i) => present(values[i]) && (target[prefix + name] = values[i]));
  return target;
}

/** A product's or cart line's values, in the order of ITEM: the last is the row total. */
function fields(p: CartItem): unknown[] {
  const price = money(p.price);
  const quantity = toNumber(p.quantity);
  const row = money(p.rowTotal);
  return [text(p.id), text(p.sku), text(p.name), list(p.categories), text(p.imageUrl), text(p.url), text(p.brand), price, money(p.compareAtPrice), quantity,
    row == null && price != null ? round(price * (quantity == null ? 1 : quantity)) : row];
}

/**
 * The payload of one of the three metrics. Viewed Product has no cart, Started Checkout no product; Added to
 * Cart has both, its product's fields under "AddedItem". A cart adds $value (by default the sum of the row
 * totals), ItemNames, CheckoutURL and Items.
 */
function build(metric: string, product: Product | undefined, cart?: Cart, now?: number): TrackPayload {
  const properties = merge(custom(cart), custom(product));
  const checkout = metric == CHECKOUT;
  const subject = checkout ? cart : product;
  if (!subject || typeof subject != 'object' || !(checkout || scalar(subject.id) || scalar(subject.sku))) {
    fail('invalid_product', metric + ': no ' + (checkout ? 'cart' : 'product id or sku'));
  }
  const values = checkout ? [] : fields(product!);
  put(properties, PRODUCT, values, cart === undefined ? '' : 'AddedItem');
  let value = values[7];
  let id: string | undefined;
  if (cart !== undefined) {
    const items = objects(cart.items);
    if (checkout) {
      // The cart id plus the time in seconds: Klaviyo counts a retry of this request once, yet a later
      // checkout of the same cart again.
      id = scalar(cart.id) ? `${cart.id}_${Math.floor(now! / 1000)}` : undefined;
      put(properties, '$event_id Categories', [id, list(cart.categories || items.map((i) => i.categories))]);
    }
    // Without lines, Added to Cart's value is the added item's row total.
    const rows = (items[0] || checkout ? items.map(fields) : [values]).map((v) => v[10]).filter(kept) as number[];
    const total = money(cart.total);
    value = total == null && rows.length ? round(rows.reduce((a, b) => a + b, 0)) : total;
    put(properties, '$value ItemNames CheckoutURL Items', [
      value,
      list(cart.itemNames || items.map((i) => i.name)),
      cart.checkoutUrl,
      items[0] && items.map((i) => put(custom(i), ITEM, fields(i))),
    ]);
  }
  const currency = (cart && cart.currency) || (product && product.currency);
  // text(): a currency is a string; ["usd"] would pass the test as "usd".
  return put({ metric, properties }, 'value valueCurrency uniqueId', [
    value,
    /^[a-z]{3}$/i.test(text(currency) as string) ? (currency as string).toUpperCase() : '',
    id,
  ]) as unknown as TrackPayload;
}

export const viewedProduct = (product: Product): TrackPayload => build('Viewed Product', product);

/** `cart`, when given, is the cart after the item was added. Without it, $value is the item's row total. */
export const addedToCart = (item: CartItem, cart = {} as Cart): TrackPayload => build('Added to Cart', item, cart);

export const startedCheckout = (cart: Cart, now = Date.now()): TrackPayload => build(CHECKOUT, undefined, cart, now);
