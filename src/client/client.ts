import { watchDataLayer } from '../adapters/ga4';
import { checkCompanyId, DEFAULT_API_BASE } from '../page/config';
import { createDelivery, type Delivery } from '../delivery/delivery';
import { createHold } from '../identity/hold';
import { createIdentity, pickIds } from '../identity/cookie';
import { createLogger } from '../log';
import { fits, maxBytes } from '../delivery/size';
import { localStore, sessionStore } from '../delivery/storage';
import type {
  BackInStockInput, Cart, CartItem, Config, Endpoint, IdentifyInput, KlaviyoLite, Logger, Order, OutboundRequest, Product,
  ProfileIdentifiers, Properties, SubscribeInput, TrackPayload, VisitorIdentity,
} from '../types';
import { isEmpty, record } from '../events/validate';
import { toProfile } from '../events/profile';
import { eventBody, resource, subscriptionBody } from '../events/body';
import { backInStock } from '../events/back-in-stock';
import { addedToCart, startedCheckout, viewedProduct } from '../adapters/ecommerce';
import { fromSpec } from '../adapters/spec';
import { placedOrder, trackLines } from '../adapters/orders';
import { forgetViewedItems, rememberViewedItem } from '../identity/viewed';
import { fail } from '../errors';
import { createCommands } from './commands';
import { METHOD_NAMES, type Methods } from './context';
import { normalizeEvent } from './normalize';
import { subscriptionOf } from './subscribe-rules';
import { activityEvent } from './activity';
import { isCrawler } from '../page/crawler';

export interface ClientOptions extends Partial<Config> {
  delivery?: Delivery;
  log?: Logger;
  now?: () => number;
}

/** What createClient takes: every default set (readConfig sets them for the script tag), and where to log. */
export type ClientConfig = ClientOptions & Pick<Config, 'apiBase'> & { log: Logger };

/** `options` with the defaults the script tag's config has: the ESM entry's (and tests'). */
export const withDefaults = (options: ClientOptions = {}): ClientConfig =>
  Object.assign({ apiBase: DEFAULT_API_BASE, activity: true }, options, { log: options.log || createLogger(() => !!options.debug) });

export interface Client {
  api: KlaviyoLite;
  /** The methods behind `api`, by name: the consent gate runs them through its own commands. */
  methods: Methods;
  /** Sends an event that an adapter has already shaped. */
  trackPayload(payload: TrackPayload): boolean;
  /** Synchronous, for legacy `_learnq.isIdentified()`. */
  isIdentified(): boolean;
  /** Synchronous, for legacy `_learnq.identify()`. */
  visitor(): VisitorIdentity;
  delivery: Delivery;
  /**
   * Starts watching the dataLayer (with data-datalayer) and Active on Site: after the page's queued calls ran, so
   * that a queued identify comes first.
   */
  start(): void;
}

/**
 * The klaviyo object: every method in one closure over the visitor's identity, the held events and the delivery
 * (a context object handed to a module per feature cost more bytes than the methods it served).
 */
export function createClient(config: ClientConfig): Client {
  const { log } = config;
  const now = config.now || Date.now;
  const identity = createIdentity(config.cookieDomain);
  const { identifiers, remember } = identity;
  const isIdentified = () => !isEmpty(identifiers());
  const hold = createHold(sessionStore, now);
  // A crawler is treated as a visitor who opted out: nothing is sent or stored.
  const crawler = isCrawler(navigator.userAgent);
  const refusal = crawler ? 'a crawler' : 'visitor opted out';
  let companyId: string | undefined;
  // Active on Site: due from start() on (after the page's queued calls ran), sent once the visitor is identified.
  let activityDue: boolean | undefined = false;

  const setAccount = (id: unknown) => {
    const problem = checkCompanyId(id);
    // A private key is not echoed back to the console.
    if (problem) log.error(`refused ${problem == 'private_key' ? 'a private API key' : `"${id}"`}: not a 6-character public key`);
    else companyId = id as string;
    return problem;
  };
  if (config.companyId !== undefined) setAccount(config.companyId);

  const delivery = config.delivery || createDelivery({ apiBase: config.apiBase, companyId: () => companyId, log });
  // The visitor's identifiers in a fixed order: consecutive events with the same key may be bulked.
  const send = (endpoint: Endpoint, body: OutboundRequest['body'], ids: ProfileIdentifiers, uniqueId?: string) => {
    delivery.send({ endpoint, body, profileKey: JSON.stringify(pickIds(ids)), uniqueId });
    log.debug(`queued ${endpoint}`, body);
    // The visitor may have become identified by this request.
    activity();
  };
  const activity = () => {
    if (activityDue && isIdentified()) {
      activityDue = false;
      trackPayload(activityEvent());
    }
  };

  const optedOut = () =>
    crawler || identity.isOptedOut() || (config.respectGpc && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl);

  const drop = (what: string, why: string): false => {
    log.debug(`dropped "${what}": ${why}`);
    return false;
  };
  // The events held while the visitor was anonymous, sent now that it is not.
  const release = () => {
    if (config.holdAnonymous) hold.take().forEach(trackPayload);
  };

  const trackPayload = (payload: TrackPayload): boolean => {
    const { metric } = payload;
    const event = normalizeEvent(payload, log, now());
    if (optedOut()) return drop(metric, refusal);
    const ids = identifiers();
    if (!isEmpty(ids)) {
      // Identified meanwhile (by subscribe, another tab's cookie, a ?_kx link): what was held goes first.
      release();
      const body = eventBody(event, ids);
      // Refused now, loudly, rather than lost later: no request may carry it.
      if (!fits(body)) {
        log.error(`refused "${metric}": over the ${maxBytes / 1e6} MB a request may carry`);
        return false;
      }
      send('events', body, ids, event.uniqueId);
      if (event.lines) trackLines(event, trackPayload, log, delivery.flush).catch((e) => log.error('Ordered Product not sent', e));
    } else if (config.holdAnonymous) {
      hold.add(event);
      log.debug(`held "${metric}" until identify`);
    } else return drop(metric, 'visitor is not identified');
    return true;
  };

  const newVisitor = (method: string, ids: ProfileIdentifiers) => {
    if (remember(ids)) log.warn(`${method}: another email/phone/id: a new visitor`);
  };
  // No prototype: a page calling "toString" or "__proto__" finds no method.
  const methods: Methods = Object.assign(Object.create(null), {
    identify(input?: IdentifyInput) {
      // No argument reads the visitor, as klaviyo.js answers it.
      if (input === undefined) return identity.visitor();
      if (optedOut()) fail('opted_out', `identify ignored: ${refusal}`);
      if (!input || typeof input != 'object') fail('invalid_argument', 'identify: not an object');
      // A refusal names every field that was left out.
      const problems: string[] = [];
      const warn = (message: string) => {
        problems.push(message);
        log.warn(message);
      };
      const profile = toProfile(input, Object.assign({}, log, { warn }));
      const given = pickIds(profile);
      if (isEmpty(given) && !isIdentified()) {
        fail('no_identifier', `identify: no valid identifier (${problems.join('; ') || 'none given'})`);
      }
      newVisitor('identify', given);
      const attributes = Object.assign(identifiers(), profile);
      send('profiles', resource('profile', attributes), attributes);
      release();
      return attributes;
    },
    subscribe(input: SubscribeInput) {
      if (optedOut()) return drop('subscribe', refusal);
      if (!input || typeof input.listId != 'string' || !/^\w{1,64}$/.test(input.listId)) fail('invalid_argument', 'subscribe: invalid listId');
      // Another email or phone than the stored one is another person: nothing stored goes along.
      const known = identity.switches(input) ? {} : identifiers();
      const { ids, channels } = subscriptionOf(input, known);
      newVisitor('subscribe', ids);
      send('subscriptions', subscriptionBody(input, ids, channels), ids);
      release();
      return true;
    },
    isIdentified,
    cookieDomain: identity.domain,
    optOut() {
      identity.optOut();
      delivery.clear();
      hold.take();
      forgetViewedItems(localStore());
      return true;
    },
    optIn() {
      identity.optIn();
      return true;
    },
    track(metric: unknown, properties?: Properties) {
      if (typeof metric != 'string' || !metric.trim() || metric.length > 127) fail('invalid_argument', 'track: metric must be 1 to 127 characters');
      const props = record(properties);
      return trackPayload(fromSpec(metric as string, props, now()) || { metric: metric as string, properties: props });
    },
    viewedProduct: (product: Product) => trackPayload(viewedProduct(product)),
    addedToCart: (item: CartItem, cart?: Cart) => trackPayload(addedToCart(item, cart)),
    startedCheckout: (cart: Cart) => trackPayload(startedCheckout(cart, now())),
    // Only stored, on this device.
    trackViewedItem: (item: Properties) => !optedOut() && rememberViewedItem(item, localStore(), now()),
    placedOrder: (order: Order) => trackPayload(placedOrder(order)),
    subscribeBackInStock(input: BackInStockInput) {
      if (optedOut()) return drop('subscribeBackInStock', refusal);
      send('back-in-stock-subscriptions', ...backInStock(input, identifiers()));
      return true;
    },
    account(id?: unknown) {
      if (id !== undefined && !setAccount(id)) delivery.flush();
      return companyId;
    },
  });

  const { run, api } = createCommands(methods, log);
  // Legacy code reads `klaviyo.account()` as a string.
  (api as Record<string, unknown>).account = (...args: unknown[]) => Object.assign(run('account', args), { toString: () => companyId || '', toJSON: () => companyId });

  const kx = new URLSearchParams(location.search).get('_kx');
  if (kx && !optedOut()) remember({ _kx: kx });
  const start = () => {
    if (config.dataLayer) watchDataLayer(window as { dataLayer?: unknown[] }, trackPayload, log, config.dataLayerPurchase);
    activityDue = config.activity;
    activity();
  };

  return { api, methods, trackPayload, isIdentified, visitor: identity.visitor, delivery, start };
}

/** The ESM entry: a klaviyo object of your own, configured in code instead of by a script tag. */
export function createKlaviyo(options: ClientOptions = {}): KlaviyoLite {
  if (typeof document == 'object') {
    const client = createClient(withDefaults(options));
    client.start();
    return client.api;
  }
  // Server-side rendering (Next.js, Remix, Hydrogen): no page to identify the visitor on or send from, so no
  // client is made and every method resolves false.
  const methods: Methods = Object.create(null);
  for (const name of METHOD_NAMES.split(' ')) methods[name] = () => false;
  return createCommands(methods, withDefaults(options).log).api;
}
