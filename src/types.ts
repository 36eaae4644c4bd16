// Public types of klaviyo-lite. Every module imports its shapes from here.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Properties = Record<string, unknown>;

/** The client API paths we post to, below `{apiBase}/client/`. */
export type Endpoint =
  | 'events'
  | 'event-bulk-create'
  | 'profiles'
  | 'subscriptions'
  | 'back-in-stock-subscriptions';

export interface Location {
  address1?: string;
  address2?: string;
  city?: string;
  country?: string;
  region?: string;
  zip?: string;
  timezone?: string;
  latitude?: string | number;
  longitude?: string | number;
  ip?: string;
}

/** The identifiers Klaviyo's client endpoints accept for a profile. */
export interface ProfileIdentifiers {
  email?: string;
  phone_number?: string;
  external_id?: string;
  _kx?: string;
}

export interface ProfileAttributes extends ProfileIdentifiers {
  first_name?: string;
  last_name?: string;
  organization?: string;
  title?: string;
  image?: string;
  locale?: string;
  location?: Location;
  properties?: Properties;
}

/** What `identify()` with no argument answers: the stored identifiers, in klaviyo.js's keys. */
export interface VisitorIdentity {
  $email?: string;
  $phone_number?: string;
  $id?: string;
  $exchange_id?: string;
}

/** What `identify` accepts: modern keys, legacy `$` keys, and anything else as a custom property. */
export type IdentifyInput = Partial<ProfileAttributes> & Record<string, unknown>;

/** An event ready to become a Create Client Event body (before profile and time are added). */
export interface TrackPayload {
  metric: string;
  properties: Properties;
  /** attributes.value */
  value?: number;
  /** attributes.value_currency (ISO 4217) */
  valueCurrency?: string;
  /** attributes.unique_id */
  uniqueId?: string;
  /** ISO date-time; defaults to when `track` was called */
  time?: string;
  /** Events sent right after this one, in order: Placed Order's Ordered Products. */
  lines?: TrackPayload[];
}

// ---- ecommerce inputs (camelCase, for the typed helpers) ----

export interface Product {
  id?: string | number;
  sku?: string;
  name?: string;
  price?: number | string;
  compareAtPrice?: number | string;
  url?: string;
  imageUrl?: string;
  categories?: string[];
  brand?: string;
  variant?: string;
  currency?: string;
  [custom: string]: unknown;
}

export interface CartItem extends Product {
  quantity?: number | string;
  /** default: price × quantity */
  rowTotal?: number | string;
}

export interface Cart {
  id?: string | number;
  items: CartItem[];
  total?: number | string;
  checkoutUrl?: string;
  currency?: string;
  /** default: derived from the items */
  itemNames?: string[];
  /** default: the union of the items' categories */
  categories?: string[];
  [custom: string]: unknown;
}

/** What `placedOrder` accepts: a cart whose `id` (the order id) is required. */
export interface Order extends Cart {
  id: string | number;
  discountCode?: string;
  discountValue?: number | string;
}

export interface BackInStockInput {
  /** `$shopify:::$default:::123` as given; a bare id is put in the `catalog` integration's form. */
  variantId: string | number;
  email?: string;
  phone_number?: string;
  /** Default: EMAIL when an email is known, else SMS. */
  channels?: Array<'EMAIL' | 'SMS' | 'PUSH' | 'WHATSAPP'>;
  /** `shopify`, `bigcommerce`, `magento_two`…; default `custom`. */
  catalog?: string;
}

export interface SubscribeInput {
  listId: string;
  email?: string;
  phone_number?: string;
  channels?: Array<'email' | 'sms'>;
  customSource?: string;
}

/** One request waiting for delivery. The body is a JSON:API document for `endpoint`. */
export interface OutboundRequest {
  endpoint: Endpoint;
  body: { data: Record<string, unknown> };
  /** Identifies the visitor the request is about; consecutive events with the same key may be bulked. */
  profileKey: string;
  /** Event unique_id, when the request is an event. */
  uniqueId?: string;
}

export interface Logger {
  /** Only printed with `data-debug`. */
  debug(message: string, ...detail: unknown[]): void;
  /** Only printed with `data-debug`. */
  warn(message: string, ...detail: unknown[]): void;
  /** Always printed: real errors a store owner must see. */
  error(message: string, ...detail: unknown[]): void;
}

export interface Config {
  companyId?: string;
  apiBase: string;
  cookieDomain?: string;
  debug: boolean;
  dataLayer: boolean;
  holdAnonymous: boolean;
  respectGpc: boolean;
  /** `required`: nothing is read, stored or sent until consent is granted (src/consent/). */
  consent?: string;
  /** Google Consent Mode keys that must be `granted` (default: ad_storage ad_user_data). */
  consentGcm?: string;
  /** The OneTrust group that means consent (default: C0004). */
  consentOnetrust?: string;
  /** GA4 `purchase` on dataLayer becomes Placed Order (with `dataLayer`). */
  dataLayerPurchase?: boolean;
  /** Active on Site on every page load of an identified visitor (default true; `data-activity="off"`). */
  activity?: boolean;
}

export type Callback = (result: unknown) => void;

/** The live `window.klaviyo` object (and the ESM client). */
export interface KlaviyoLite {
  identify(props: IdentifyInput, callback?: Callback): Promise<ProfileAttributes>;
  /** No argument: reads the visitor. */
  identify(callback?: Callback): Promise<VisitorIdentity>;
  track(metric: string, properties?: Properties, callback?: Callback): Promise<boolean>;
  isIdentified(callback?: Callback): Promise<boolean>;
  account(companyId?: string, callback?: Callback): Promise<string | undefined>;
  cookieDomain(domain?: string, callback?: Callback): Promise<string | undefined>;
  subscribe(input: SubscribeInput, callback?: Callback): Promise<boolean>;
  viewedProduct(product: Product, callback?: Callback): Promise<boolean>;
  addedToCart(item: CartItem, cart?: Cart, callback?: Callback): Promise<boolean>;
  startedCheckout(cart: Cart, callback?: Callback): Promise<boolean>;
  placedOrder(order: Order, callback?: Callback): Promise<boolean>;
  subscribeBackInStock(input: BackInStockInput, callback?: Callback): Promise<boolean>;
  trackViewedItem(item: Properties, callback?: Callback): Promise<boolean>;
  optOut(callback?: Callback): Promise<boolean>;
  optIn(callback?: Callback): Promise<boolean>;
  /** With `data-consent="required"`: the page's own consent signal. Resolves whether consent is now granted. */
  consent?(granted: boolean, callback?: Callback): Promise<boolean>;
  push(...commands: unknown[][]): Promise<unknown>;
}
