import { KlaviyoLiteError } from '../errors';
import { toNumber } from '../number';
import type { Cart, CartItem, Product, Properties, TrackPayload } from '../types';

// Klaviyo's recommended names, aligned with the values `fields` returns.
const PRODUCT = 'ProductID SKU ProductName Categories ImageURL URL Brand Price CompareAtPrice Quantity'.split(' ');
const ITEM = 'ProductID SKU ProductName ProductCategories ImageURL ProductURL Brand ItemPrice CompareAtPrice Quantity RowTotal'.split(' ');
// Inputs we map; any other key is the store's own and is kept as is.
const KNOWN = 'id sku name categories imageUrl url brand price compareAtPrice quantity rowTotal currency items total checkoutUrl itemNames'.split(' ');

const kept = (v: unknown): boolean => v != null && v === v;
export const present = (v: unknown): boolean => kept(v) && v !== '';

/** Numbers, numeric strings, or a MoneyV2-like `{ amount }`. */
export const money = (v: unknown): number | undefined =>
  toNumber(v && typeof v == 'object' ? (v as Properties).amount : v);

// Float noise from price × quantity ("19.99 × 3") must not reach the store owner's reports.
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** A flat list of distinct strings from a value or (nested) arrays of them; undefined when empty. */
export function list(v: unknown): string[] | undefined {
  const out: string[] = [];
  const add = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(add);
    else if (present(x) && !out.includes(String(x))) out.push(String(x));
  };
  add(v);
  return out.length ? out : undefined;
}

const objects = (v: unknown): CartItem[] => (Array.isArray(v) ? v.filter((x) => x && typeof x == 'object') : []);

function custom(source: Properties | undefined): Properties {
  const out: Properties = {};
  for (const k in source) if (!KNOWN.includes(k) && kept(source[k])) out[k] = source[k];
  return out;
}

function put(target: Properties, names: string[], values: unknown[], prefix = ''): Properties {
  names.forEach((name, i) => present(values[i]) && (target[prefix + name] = values[i]));
  return target;
}

function fields(p: CartItem): unknown[] {
  const price = money(p.price);
  const quantity = toNumber(p.quantity);
  const row = money(p.rowTotal) ?? (price === undefined ? undefined : round(price * (quantity ?? 1)));
  return [p.id, p.sku, p.name, list(p.categories), p.imageUrl, p.url, p.brand, price, money(p.compareAtPrice), quantity, row];
}

function need<T extends Product>(p: T, metric: string): T {
  if (!p || typeof p != 'object' || !(present(p.id) || present(p.sku))) {
    throw new KlaviyoLiteError('invalid_product', `${metric}: the product has no id or sku, so Klaviyo could not tell which product it is`);
  }
  return p;
}

function payload(metric: string, properties: Properties, value: number | undefined, currency: unknown, uniqueId?: string): TrackPayload {
  const out: TrackPayload = { metric, properties };
  if (value !== undefined) out.value = value;
  if (currency && typeof currency == 'string') out.valueCurrency = currency.toUpperCase();
  if (uniqueId) out.uniqueId = uniqueId;
  return out;
}

/** $value, ItemNames, CheckoutURL and Items for a cart. The total defaults to the sum of row totals. */
function cartProps(props: Properties, cart: Cart, items: CartItem[], counted: CartItem[]): number | undefined {
  const rows = counted.map((i) => fields(i)[10] as number | undefined).filter(kept) as number[];
  const value = money(cart.total) ?? (rows.length ? round(rows.reduce((a, b) => a + b, 0)) : undefined);
  put(props, ['$value', 'ItemNames', 'CheckoutURL', 'Items'], [
    value,
    list(cart.itemNames || items.map((i) => i.name)),
    cart.checkoutUrl,
    items.length ? items.map((i) => put(custom(i), ITEM, fields(i))) : undefined,
  ]);
  return value;
}

export function viewedProduct(product: Product): TrackPayload {
  const values = fields(need(product, 'Viewed Product'));
  return payload('Viewed Product', put(custom(product), PRODUCT, values), values[7] as number | undefined, product.currency);
}

/** `cart`, when given, is the cart after the item was added. Without it, $value is the item's row total. */
export function addedToCart(item: CartItem, cart = {} as Cart): TrackPayload {
  const props = put({ ...custom(cart), ...custom(item) }, PRODUCT, fields(need(item, 'Added to Cart')), 'AddedItem');
  const items = objects(cart.items);
  const value = cartProps(props, cart, items, items.length ? items : [item]);
  return payload('Added to Cart', props, value, cart.currency || item.currency);
}

/**
 * $event_id is the cart id plus the time in seconds: Klaviyo counts a retry of this request once,
 * yet a later checkout of the same cart again.
 */
export function startedCheckout(cart: Cart, now = Date.now()): TrackPayload {
  if (!cart || typeof cart != 'object') throw new KlaviyoLiteError('invalid_product', 'Started Checkout needs a cart object');
  const items = objects(cart.items);
  const id = present(cart.id) ? `${cart.id}_${Math.floor(now / 1000)}` : undefined;
  const props = put(custom(cart), ['$event_id', 'Categories'], [id, list(cart.categories || items.map((i) => i.categories))]);
  const value = cartProps(props, cart, items, items);
  return payload('Started Checkout', props, value, cart.currency, id);
}
