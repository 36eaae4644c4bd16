import { addedToCart, startedCheckout, viewedProduct } from '../adapters/ecommerce';
import { watchDataLayer } from '../adapters/ga4';
import { fromSpec } from '../adapters/spec';
import { eventBody, profileBody, subscriptionBody } from '../events/body';
import { checkCompanyId, DEFAULT_API_BASE } from '../page/config';
import { createDelivery, type Delivery } from '../delivery/delivery';
import { KlaviyoLiteError } from '../errors';
import { markLive } from '../page/globals';
import { createHold } from '../identity/hold';
import { COOKIE_KEYS, createIdentity, randomId } from '../identity/cookie';
import { createLogger } from '../log';
import { clip, toNumber } from '../events/number';
import { identifiersOf, toProfile } from '../events/profile';
import { localStore, sessionStore } from '../delivery/storage';
import type {
  Callback, Cart, CartItem, Config, Endpoint, IdentifyInput, KlaviyoLite, Logger, OutboundRequest, Product, ProfileIdentifiers, Properties, SubscribeInput, TrackPayload,
} from '../types';
import { isEmpty, sanitize } from '../events/validate';
import { forgetViewedItems, rememberViewedItem } from '../identity/viewed';
import { activityOnce, withSession } from './activity';
import { isCrawler } from '../page/crawler';

export interface ClientOptions extends Partial<Config> {
  delivery?: Delivery;
  log?: Logger;
  now?: () => number;
}

export interface Client {
  api: KlaviyoLite;
  /** Sends an event that an adapter has already shaped. */
  trackPayload(payload: TrackPayload): boolean;
  /** Synchronous, for legacy `_learnq.isIdentified()`. */
  isIdentified(): boolean;
  delivery: Delivery;
  /** Starts watching the dataLayer: after the page's queued calls ran, so that a queued identify comes first. */
  start(): void;
}

const noop = () => {};
const fail = (code: KlaviyoLiteError['code'], message: string) => {
  throw new KlaviyoLiteError(code, message);
};
const OPTED_OUT = 'visitor opted out';
// In the order of COOKIE_KEYS' first two: email, phone_number.
const CHANNELS = ['email', 'sms'];

export function createClient(options: ClientOptions = {}): Client {
  // The other flags default to undefined: they are only ever tested for truth.
  const config = Object.assign({ apiBase: DEFAULT_API_BASE, debug: false, activity: true }, options) as Config;
  const log = options.log || createLogger(() => config.debug);
  const now = options.now || Date.now;
  const { identifiers, isIdentified, remember, isOptedOut, optOut: optOutVisitor, optIn: optInVisitor, domain } = createIdentity(config.cookieDomain);
  const hold = createHold(sessionStore, now);
  // A crawler is treated as a visitor who opted out: nothing is sent or stored.
  const crawler = isCrawler(navigator.userAgent);
  const refused = crawler ? 'a crawler' : OPTED_OUT;
  let companyId: string | undefined;

  const setAccount = (id: unknown) => {
    const problem = checkCompanyId(id);
    // A private key is not echoed back to the console.
    if (problem) log.error(`refused ${problem == 'private_key' ? 'a private API key' : `"${id}"`}: not a 6-character public key; nothing is sent`);
    else companyId = id as string;
    return problem;
  };
  if (config.companyId !== undefined) setAccount(config.companyId);

  const delivery = options.delivery || createDelivery({ apiBase: config.apiBase, companyId: () => companyId, log });
  // The visitor's identifiers in a fixed order: consecutive events with the same key may be bulked.
  const send = (endpoint: Endpoint, body: OutboundRequest['body'], ids: ProfileIdentifiers, uniqueId?: string) => {
    delivery.send({ endpoint, body, profileKey: JSON.stringify(COOKIE_KEYS.map(([key]) => ids[key])), uniqueId });
    // The visitor may have become identified by this request.
    activity();
  };

  const optedOut = () =>
    crawler || isOptedOut() || (config.respectGpc && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true);

  const drop = (metric: string, why: string) => (log.debug(`dropped "${metric}": ${why}`), false);
  // The events held while the visitor was anonymous, sent now that it is not.
  const release = () => config.holdAnonymous && hold.take().forEach(trackPayload);

  const trackPayload = (payload: TrackPayload): boolean => {
    const { metric } = payload;
    const properties = withSession(sanitize(payload.properties, log));
    if ('$value' in properties) {
      const coerced = toNumber(properties.$value);
      if (coerced === undefined) {
        log.warn(`left out "${metric}" $value: not a number`);
        delete properties.$value;
      } else properties.$value = coerced;
    }
    const eventId = properties.$event_id;
    const event: TrackPayload = Object.assign({}, payload, {
      properties,
      // The adapter's value first, else $value.
      value: isFinite(payload.value!) ? payload.value : properties.$value,
      // Only a string or number can name one event: "[object Object]" would merge unrelated ones.
      uniqueId: clip(payload.uniqueId || (/^(string|number)$/.test(typeof eventId) && eventId !== '' ? String(eventId) : randomId())),
      time: payload.time || new Date(now()).toISOString(),
    });
    if (optedOut()) return drop(metric, refused);
    const ids = identifiers();
    if (!isEmpty(ids)) {
      // Identified meanwhile (by subscribe, another tab's cookie, a ?_kx link): what was held goes first.
      release();
      send('events', eventBody(event, ids, event.time!), ids, event.uniqueId);
      log.debug(`queued "${metric}"`, event);
    } else if (config.holdAnonymous) {
      hold.add(event);
      log.debug(`held "${metric}" until identify`);
    } else return drop(metric, 'visitor is not identified');
    return true;
  };
  // Active on Site: from start() on, after the page's queued calls ran.
  let activity = noop;

  // No prototype: a page calling "toString" or "__proto__" finds no method.
  const methods: Record<string, (...args: any[]) => unknown> = Object.assign(Object.create(null), {
    identify(input: IdentifyInput) {
      if (optedOut()) fail('opted_out', `identify ignored: ${refused}`);
      if (!input || typeof input != 'object') fail('invalid_argument', 'identify: not an object');
      // A refusal names every field that was left out.
      const problems: string[] = [];
      const profile = toProfile(input, Object.assign({}, log, {
        warn: (message: string) => (problems.push(message), log.warn(message)),
      }));
      const given = identifiersOf(profile);
      if (isEmpty(given) && !isIdentified()) {
        fail('no_identifier', `identify: no valid identifier (${problems.join('; ') || 'none given'})`);
      }
      if (remember(given)) log.warn('identify: not the stored email/phone/id: a new visitor (Klaviyo ignores identifier changes)');
      const attributes = Object.assign(identifiers(), profile);
      send('profiles', profileBody(attributes), attributes);
      log.debug('queued profile', attributes);
      release();
      return attributes;
    },
    track(metric: unknown, properties?: Properties) {
      if (typeof metric != 'string' || !metric.trim() || metric.length > 127) fail('invalid_argument', 'track: metric must be 1 to 127 characters');
      const props = properties && typeof properties == 'object' ? properties : {};
      return trackPayload(fromSpec(metric as string, props, now()) || { metric: metric as string, properties: props });
    },
    subscribe(input: SubscribeInput) {
      if (optedOut()) return drop('subscribe', refused);
      if (!input || typeof input.listId != 'string' || !/^\w{1,64}$/.test(input.listId)) fail('invalid_argument', 'subscribe: invalid listId');
      const known = identifiers();
      const ids: ProfileIdentifiers = {};
      const given: string[] = [];
      // The given email and phone_number, else the stored ones (email and phone are the first two keys).
      COOKIE_KEYS.slice(0, 2).forEach(([key, , valid], i) => {
        // Given, even as something other than a string: then it is invalid, not absent.
        const own = input[key as 'email'] != null;
        const value = own ? input[key as 'email'] : known[key];
        if (own) given.push(CHANNELS[i]);
        // undefined reads "undefined": neither an email nor a phone number.
        if (valid(value!)) ids[key] = value;
      });
      // Consent only for the channels asked for, else those of the identifiers given, else email (or SMS) on file.
      const wanted: string[] = input.channels == null ? [] : ([] as string[]).concat(input.channels);
      const asked = wanted.length ? wanted : given.length ? given : [ids.email ? 'email' : 'sms'];
      const channels = CHANNELS.filter((channel, i) => asked.includes(channel) && ids[COOKIE_KEYS[i][0]]);
      if (!channels.length) {
        fail('no_identifier', `subscribe: no valid ${isEmpty(ids) ? 'email or phone_number' : `identifier for ${asked.join(' and ')}`}`);
      }
      remember(ids);
      send('subscriptions', subscriptionBody(input, ids, channels), ids);
      release();
      return true;
    },
    isIdentified,
    account(id?: unknown) {
      if (id !== undefined && !setAccount(id)) delivery.flush();
      return companyId;
    },
    cookieDomain: domain,
    viewedProduct: (product: Product) => trackPayload(viewedProduct(product)),
    addedToCart: (item: CartItem, cart?: Cart) => trackPayload(addedToCart(item, cart)),
    startedCheckout: (cart: Cart) => trackPayload(startedCheckout(cart, now())),
    trackViewedItem: (item: Properties) => !optedOut() && rememberViewedItem(item, localStore(), now()),
    optOut() {
      optOutVisitor();
      delivery.clear();
      hold.take();
      forgetViewedItems(localStore());
      return true;
    },
    optIn: () => (optInVisitor(), true),
  });

  // Every method: trailing callbacks always fire; the Promise never reaches the page as an unhandled rejection
  // (the callbacks' handler handles it).
  const run = (name: string, args: unknown[]): Promise<unknown> => {
    const callbacks: Callback[] = [];
    while (typeof args[args.length - 1] == 'function') callbacks.unshift(args.pop() as Callback);
    const method = methods[name];
    const promise = new Promise((resolve) => {
      if (!method) log.debug(`${name}: not supported`);
      resolve(method && method(...args));
    }).catch((error) => {
      const typed = error instanceof KlaviyoLiteError ? error : new KlaviyoLiteError('internal', `${name} failed: ${error}`);
      log.warn(typed.message);
      throw typed;
    });
    const fire = (result: unknown) =>
      callbacks.forEach((callback) => {
        try {
          callback(result);
        } catch (error) {
          log.error(`a ${name} callback threw`, error);
        }
      });
    promise.then(fire, () => fire(false));
    // Legacy code reads `klaviyo.account()` as a string.
    return name == 'account' ? Object.assign(promise, { toString: () => companyId || '', toJSON: () => companyId }) : promise;
  };

  const api = markLive({} as KlaviyoLite & Record<string, unknown>);
  for (const name in methods) api[name] = (...args: unknown[]) => run(name, args);
  api.push = (...commands: unknown[]) =>
    Promise.all(
      commands.map((command) => {
        try {
          if (Array.isArray(command) && typeof command[0] == 'string') return run(command[0], command.slice(1)).catch(noop);
        } catch {}
        log.debug('push: not [method, ...args]: ignored');
      }),
    );

  const kx = new URLSearchParams(location.search).get('_kx');
  if (kx && !optedOut()) remember({ _kx: kx });
  const start = () => {
    if (config.dataLayer) {
      const w = window as unknown as { dataLayer?: unknown[] };
      watchDataLayer(w.dataLayer || (w.dataLayer = []), trackPayload, log);
    }
    if (config.activity) activity = activityOnce(isIdentified, trackPayload);
    activity();
  };

  return { api, trackPayload, isIdentified, delivery, start };
}

/** The ESM entry: a klaviyo object of your own, configured in code instead of by a script tag. */
export function createKlaviyo(options: ClientOptions = {}): KlaviyoLite {
  const client = createClient(options);
  client.start();
  return client.api;
}
