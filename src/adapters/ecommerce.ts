import { KlaviyoLiteError } from '../errors';
import { toNumber } from '../number';
import { merge } from './rename';
import type { Cart, CartItem, Product, Properties, TrackPayload } from '../types';

// Klaviyo's recommended names, in the order `fields` returns the values.
const PRODUCT = 'ProductID SKU ProductName Categories ImageURL URL Brand Price CompareAtPrice Quantity';
const ITEM = 'ProductID SKU ProductName ProductCategories ImageURL ProductURL Brand ItemPrice CompareAtPrice Quantity RowTotal';
// Inputs we map; any other key is the store's own and is kept as is.
const KNOWN = 'id sku name categories imageUrl url brand price compareAtPrice quantity rowTotal currency items total checkoutUrl itemNames'.split(' ');

const kept = (v: unknown): boolean => v != null && v === v;
export const present = (v: unknown): boolean => kept(v) && v !== '';
/** Ids, names and URLs: a string or a finite number, nothing that would read "[object Object]". */
const scalar = (v: unknown): boolean => (typeof v == 'string' && v != '') || (typeof v == 'number' && isFinite(v));
const text = (v: unknown) => (scalar(v) ? v : undefined);

/** Numbers, numeric strings, or a MoneyV2-like `{ amount }`. */
export const money = (v: unknown): number | undefined =>
  toNumber(v && typeof v == 'object' ? (v as Properties).amount : v);

// Float noise from price × quantity ("19.99 × 3") must not reach the store owner's reports.
const round = (n: number) => {
  const r = Math.round(n * 1e6) / 1e6;
  return isFinite(r) ? r : isFinite(n) ? n : undefined;
};

/** A flat list of distinct strings from a value or (nested) arrays of them; undefined when empty. */
export function list(v: unknown): string[] | undefined {
  const out: string[] = [];
  const add = (x: unknown, depth: number): void => {
    if (Array.isArray(x)) depth < 3 && x.forEach((y) => add(y, depth + 1));
    else if (scalar(x) && !out.includes(String(x))) out.push(String(x));
  };
  add(v, 0);
  return out.length ? out : undefined;
}

/** The objects in `v` when it is an array; anything else in it is skipped. */
export const objects = (v: unknown): Properties[] => (Array.isArray(v) ? v.filter((x) => x && typeof x == 'object') : []);

/** The store's own keys of `source`. */
function custom(source: Properties | undefined): Properties {
  const out: Properties = {};
  for (const k in source) if (!KNOWN.includes(k) && k != '__proto__' && kept(source[k])) out[k] = source[k];
  return out;
}

/** Sets each of the space-separated `names` whose value is present. */
function put(target: Properties, names: string, values: unknown[], prefix = ''): Properties {
  names.split(' ').forEach((name, i) => present(values[i]) && (target[prefix + name] = values[i]));
  return target;
}

function fields(p: CartItem): unknown[] {
  const price = money(p.price);
  const quantity = toNumber(p.quantity);
  const row = money(p.rowTotal);
  return [text(p.id), text(p.sku), text(p.name), list(p.categories), text(p.imageUrl), text(p.url), text(p.brand), price, money(p.compareAtPrice), quantity,
    row == null && price != null ? round(price * (quantity == null ? 1 : quantity)) : row];
}

const refuse = (message: string) => {
  throw new KlaviyoLiteError('invalid_product', message);
};

function need<T extends Product>(p: T, metric: string): T {
  if (!p || typeof p != 'object' || !(scalar(p.id) || scalar(p.sku))) refuse(metric + ': the product has no id or sku');
  return p;
}

const payload = (metric: string, properties: Properties, value: unknown, currency: unknown, uniqueId?: string) =>
  put({ metric, properties }, 'value valueCurrency uniqueId', [
    value,
    typeof currency == 'string' && /^[a-z]{3}$/i.test(currency) ? currency.toUpperCase() : '',
    uniqueId,
  ]) as unknown as TrackPayload;

/** $value, ItemNames, CheckoutURL and Items for a cart. The total defaults to the sum of row totals. */
function cartProps(props: Properties, cart: Cart, items: CartItem[], counted: CartItem[]): number | undefined {
  const rows = counted.map((i) => fields(i)[10]).filter(kept) as number[];
  const total = money(cart.total);
  const value = total == null && rows.length ? round(rows.reduce((a, b) => a + b, 0)) : total;
  put(props, '$value ItemNames CheckoutURL Items', [
    value,
    list(cart.itemNames || items.map((i) => i.name)),
    cart.checkoutUrl,
    items[0] && items.map((i) => put(custom(i), ITEM, fields(i))),
  ]);
  return value;
}

export function viewedProduct(product: Product): TrackPayload {
  const values = fields(need(product, 'Viewed Product'));
  return payload('Viewed Product', put(custom(product), PRODUCT, values), values[7], product.currency);
}

/** `cart`, when given, is the cart after the item was added. Without it, $value is the item's row total. */
export function addedToCart(item: CartItem, cart = {} as Cart): TrackPayload {
  const props = put(merge(custom(cart), custom(item)), PRODUCT, fields(need(item, 'Added to Cart')), 'AddedItem');
  const items = objects(cart.items);
  const value = cartProps(props, cart, items, items.length ? items : [item]);
  return payload('Added to Cart', props, value, cart.currency || item.currency);
}

/**
 * $event_id is the cart id plus the time in seconds: Klaviyo counts a retry of this request once,
 * yet a later checkout of the same cart again.
 */
export function startedCheckout(cart: Cart, now = Date.now()): TrackPayload {
  if (!cart || typeof cart != 'object') refuse('Started Checkout needs a cart object');
  const items = objects(cart.items);
  const id = scalar(cart.id) ? `${cart.id}_${Math.floor(now / 1000)}` : undefined;
  const props = put(custom(cart), '$event_id Categories', [id, list(cart.categories || items.map((i) => i.categories))]);
  return payload('Started Checkout', props, cartProps(props, cart, items, items), cart.currency, id);
}
