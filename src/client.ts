import { addedToCart, startedCheckout, viewedProduct } from './adapters/ecommerce';
import { watchDataLayer } from './adapters/ga4';
import { fromSpec } from './adapters/spec';
import { eventBody, profileBody, subscriptionBody } from './body';
import { checkCompanyId, DEFAULT_API_BASE } from './config';
import { createDelivery, type Delivery } from './delivery';
import { KlaviyoLiteError } from './errors';
import { createHold } from './hold';
import { createIdentity, randomId } from './identity';
import { createLogger } from './log';
import { clip, toNumber } from './number';
import { IDENTIFIERS, identifiersOf, toProfile } from './profile';
import { localStore, sessionStore } from './storage';
import type {
  Callback, Cart, CartItem, Config, IdentifyInput, KlaviyoLite, Logger, Product, ProfileIdentifiers, Properties, SubscribeInput, TrackPayload,
} from './types';
import { isE164, isEmail, isMetricName, sanitize } from './validate';
import { forgetViewedItems, rememberViewedItem } from './viewed';

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
}

const noop = () => {};
const profileKey = (ids: ProfileIdentifiers) => JSON.stringify(IDENTIFIERS.map((key) => ids[key]));
const isEmpty = (object: object) => !Object.keys(object).length;
const fail = (code: KlaviyoLiteError['code'], message: string) => {
  throw new KlaviyoLiteError(code, message);
};

export function createClient(options: ClientOptions = {}): Client {
  // The other flags default to undefined: they are only ever tested for truth.
  const config = Object.assign({ apiBase: DEFAULT_API_BASE, debug: false }, options) as Config;
  const log = options.log || createLogger(() => config.debug);
  const now = options.now || Date.now;
  const identity = createIdentity(config.cookieDomain);
  const hold = createHold(sessionStore, now);
  let companyId: string | undefined;

  const setAccount = (id: unknown) => {
    const problem = checkCompanyId(id);
    if (problem) log.error(`refused ${problem == 'private_key' ? 'a private API key' : `"${id}"`}: not a 6-character public key, nothing is sent`);
    else companyId = id as string;
    return problem;
  };
  if (config.companyId !== undefined) setAccount(config.companyId);

  const delivery = options.delivery || createDelivery({ apiBase: config.apiBase, companyId: () => companyId, log });

  const optedOut = () =>
    identity.isOptedOut() || (config.respectGpc && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true);

  const drop = (metric: string, why: string) => (log.debug(`dropped "${metric}": ${why}`), false);

  const trackPayload = (payload: TrackPayload): boolean => {
    const { metric } = payload;
    const properties = sanitize(payload.properties, log);
    let value = payload.value;
    if (!isFinite(value!)) value = undefined;
    if ('$value' in properties) {
      const coerced = toNumber(properties.$value);
      if (coerced === undefined) {
        log.warn(`"${metric}": $value is not a number: left out`);
        delete properties.$value;
      } else if (value === undefined) value = properties.$value = coerced;
      else properties.$value = coerced;
    }
    const eventId = properties.$event_id;
    const event: TrackPayload = Object.assign({}, payload, {
      properties,
      value,
      // Only a string or number can name one event: "[object Object]" would merge unrelated ones.
      uniqueId: clip(payload.uniqueId || (/^(string|number)$/.test(typeof eventId) && eventId !== '' ? String(eventId) : randomId())),
      time: payload.time || new Date(now()).toISOString(),
    });
    if (optedOut()) return drop(metric, 'visitor opted out');
    const ids = identity.identifiers();
    if (isEmpty(ids)) {
      if (config.holdAnonymous && hold.add(event)) return log.debug(`held "${metric}" until identify`), true;
      return drop(metric, 'visitor is not identified');
    }
    delivery.send({ endpoint: 'events', body: eventBody(event, ids, event.time!), profileKey: profileKey(ids), uniqueId: event.uniqueId });
    log.debug(`queued "${metric}"`, event);
    return true;
  };

  const identify = (input: IdentifyInput) => {
    if (optedOut()) fail('opted_out', 'identify ignored: visitor opted out');
    if (!input || typeof input != 'object') fail('invalid_argument', 'identify expects an object');
    const problems: string[] = [];
    const profile = toProfile(input, Object.assign({}, log, {
      warn: (message: string) => (problems.push(message), log.warn(message)),
    }));
    const given = identifiersOf(profile);
    if (isEmpty(given) && !identity.isIdentified()) {
      fail('no_identifier', `identify refused: no valid email, phone_number, external_id or _kx (${problems.join('; ') || 'none given'})`);
    }
    if (identity.remember(given)) {
      log.warn('identify: not the stored identifier: a new visitor, as Klaviyo ignores identifier changes');
    }
    const attributes = Object.assign(identity.identifiers(), profile);
    delivery.send({ endpoint: 'profiles', body: profileBody(attributes), profileKey: profileKey(identifiersOf(attributes)) });
    log.debug('queued profile', attributes);
    if (config.holdAnonymous) hold.take().forEach(trackPayload);
    return attributes;
  };

  const track = (metric: unknown, properties?: Properties) => {
    if (!isMetricName(metric)) fail('invalid_argument', 'track expects a metric name of 1 to 127 characters');
    const props = properties && typeof properties == 'object' ? properties : {};
    return trackPayload(fromSpec(metric as string, props, now()) || { metric: metric as string, properties: props });
  };

  const subscribe = (input: SubscribeInput) => {
    if (optedOut()) return drop('subscribe', 'visitor opted out');
    if (!input || typeof input.listId != 'string' || !/^\w{1,64}$/.test(input.listId)) fail('invalid_argument', 'subscribe expects { listId, email?, phone_number? }');
    const known = identity.identifiers();
    const email = typeof input.email == 'string' ? input.email : known.email;
    const phone = typeof input.phone_number == 'string' ? input.phone_number : known.phone_number;
    const ids: ProfileIdentifiers = {};
    // undefined reads "undefined": neither an email nor a phone number.
    if (isEmail(email!)) ids.email = email;
    if (isE164(phone!)) ids.phone_number = phone;
    if (isEmpty(ids)) fail('no_identifier', 'subscribe needs a valid email or an E.164 phone_number');
    identity.remember(ids);
    delivery.send({ endpoint: 'subscriptions', body: subscriptionBody(input, ids), profileKey: profileKey(ids) });
    return true;
  };

  // No prototype: a page calling "toString" or "__proto__" finds no method.
  const methods: Record<string, (...args: any[]) => unknown> = Object.assign(Object.create(null), {
    identify,
    track,
    subscribe,
    isIdentified: identity.isIdentified,
    account(id?: unknown) {
      if (id !== undefined && !setAccount(id)) delivery.flush();
      return companyId;
    },
    cookieDomain: identity.domain,
    viewedProduct: (product: Product) => trackPayload(viewedProduct(product)),
    addedToCart: (item: CartItem, cart?: Cart) => trackPayload(addedToCart(item, cart)),
    startedCheckout: (cart: Cart) => trackPayload(startedCheckout(cart, now())),
    trackViewedItem: (item: Properties) => !optedOut() && rememberViewedItem(item, localStore(), now()),
    optOut() {
      identity.optOut();
      delivery.clear();
      hold.clear();
      forgetViewedItems(localStore());
      return true;
    },
    optIn: () => (identity.optIn(), true),
  });

  // Every method: trailing callbacks always fire; the Promise never reaches the page as an unhandled rejection.
  const run = (name: string, args: unknown[]): Promise<unknown> => {
    const callbacks: Callback[] = [];
    while (typeof args[args.length - 1] == 'function') callbacks.unshift(args.pop() as Callback);
    const method = methods[name];
    const promise = new Promise((resolve) => {
      if (!method) log.debug(`"${name}" is not supported: ignored`);
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
    promise.catch(noop);
    // Legacy code reads `klaviyo.account()` as a string.
    return name == 'account' ? Object.assign(promise, { toString: () => companyId || '', toJSON: () => companyId }) : promise;
  };

  const api = {} as KlaviyoLite & Record<string, unknown>;
  for (const name of Object.keys(methods)) api[name] = (...args: unknown[]) => run(name, args);
  api.push = (...commands: unknown[]) =>
    Promise.all(
      commands.map((command) => {
        try {
          if (Array.isArray(command) && typeof command[0] == 'string') return run(command[0], command.slice(1)).catch(noop);
        } catch {}
        log.debug('push ignored a command: not [method, ...args]');
      }),
    );
  Object.defineProperty(api, '__klaviyoLite', { value: true });

  const kx = new URLSearchParams(location.search).get('_kx');
  if (kx && !optedOut()) identity.remember({ _kx: kx });
  if (config.dataLayer) {
    const w = window as unknown as { dataLayer?: unknown[] };
    watchDataLayer(w.dataLayer || (w.dataLayer = []), trackPayload, log);
  }

  return { api, trackPayload, isIdentified: identity.isIdentified, delivery };
}

/** The ESM entry: a klaviyo object of your own, configured in code instead of by a script tag. */
export function createKlaviyo(options: ClientOptions = {}): KlaviyoLite {
  return createClient(options).api;
}
