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
import { toNumber } from './number';
import { identifiersOf, toProfile } from './profile';
import { localStore, sessionStore } from './storage';
import type {
  Callback, Config, IdentifyInput, KlaviyoLite, Logger, ProfileIdentifiers, Properties, SubscribeInput, TrackPayload,
} from './types';
import { isE164, isEmail, isMetricName, sanitize } from './validate';
import { rememberViewedItem } from './viewed';

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
const profileKey = (ids: ProfileIdentifiers) =>
  JSON.stringify([ids.email, ids.phone_number, ids.external_id, ids._kx]);

export function createClient(options: ClientOptions = {}): Client {
  const config: Config = {
    apiBase: DEFAULT_API_BASE, debug: false, dataLayer: false, holdAnonymous: false, respectGpc: false,
    ...options,
  };
  const log = options.log ?? createLogger(() => config.debug);
  const now = options.now ?? Date.now;
  const identity = createIdentity(config.cookieDomain);
  const hold = createHold(sessionStore(), now);
  let companyId: string | undefined;

  const setAccount = (id: unknown) => {
    const problem = checkCompanyId(id);
    if (problem === 'private_key') {
      log.error('refused a private API key (pk_…): only the 6-character public key belongs in a browser. Nothing will be sent.');
    } else if (problem) {
      log.error(`"${String(id)}" is not a public API key (6 letters and digits): nothing will be sent until one is set.`);
    } else companyId = id as string;
    return problem;
  };
  if (config.companyId !== undefined) setAccount(config.companyId);

  const delivery = options.delivery ?? createDelivery({ apiBase: config.apiBase, companyId: () => companyId, log });

  const optedOut = () =>
    identity.isOptedOut() || (config.respectGpc && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true);

  const trackPayload = (payload: TrackPayload): boolean => {
    const properties = sanitize(payload.properties, log);
    let { value } = payload;
    if ('$value' in properties) {
      const coerced = toNumber(properties.$value);
      if (coerced === undefined) {
        log.warn(`"${payload.metric}": left out $value: ${JSON.stringify(properties.$value)} is not a number`);
        delete properties.$value;
      } else properties.$value = value ??= coerced;
    }
    const event: TrackPayload = {
      ...payload,
      properties,
      value,
      uniqueId: payload.uniqueId ?? (properties.$event_id != null ? String(properties.$event_id) : randomId()),
      time: payload.time ?? new Date(now()).toISOString(),
    };
    if (optedOut()) return log.debug(`dropped "${payload.metric}": visitor opted out`), false;
    const ids = identity.identifiers();
    if (!Object.keys(ids).length) {
      if (config.holdAnonymous && hold.add(event)) {
        log.debug(`held "${payload.metric}": visitor is not identified yet`);
        return true;
      }
      return log.debug(`dropped "${payload.metric}": visitor is not identified`), false;
    }
    delivery.send({ endpoint: 'events', body: eventBody(event, ids, event.time!), profileKey: profileKey(ids), uniqueId: event.uniqueId });
    log.debug(`queued "${payload.metric}"`, event);
    return true;
  };

  const identify = (input: IdentifyInput) => {
    if (optedOut()) throw new KlaviyoLiteError('opted_out', 'identify ignored: visitor opted out');
    if (!input || typeof input !== 'object') throw new KlaviyoLiteError('invalid_argument', 'identify expects an object');
    const problems: string[] = [];
    const profile = toProfile(input, { ...log, warn: (message, ...rest) => (problems.push(message), log.warn(message, ...rest)) });
    const given = identifiersOf(profile);
    const known = identity.identifiers();
    if (!Object.keys(given).length && !Object.keys(known).length) {
      throw new KlaviyoLiteError(
        'no_identifier',
        `identify refused: no valid email, phone_number, external_id or _kx${problems.length ? ` (${problems.join('; ')})` : ''}`,
      );
    }
    if (identity.remember(given)) {
      log.warn('identify: a different identifier than the stored one; treating this as a new visitor (Klaviyo does not change a profile\'s identifiers from the browser)');
    }
    const attributes = { ...identity.identifiers(), ...profile };
    const ids = identifiersOf(attributes);
    delivery.send({ endpoint: 'profiles', body: profileBody(attributes), profileKey: profileKey(ids) });
    log.debug('queued profile', attributes);
    for (const event of hold.take()) trackPayload(event);
    return attributes;
  };

  const track = (metric: unknown, properties?: Properties) => {
    if (!isMetricName(metric)) {
      throw new KlaviyoLiteError('invalid_argument', `track expects a metric name of 1 to 127 characters, got ${JSON.stringify(metric)}`);
    }
    const props = properties && typeof properties === 'object' ? properties : {};
    return trackPayload(fromSpec(metric, props, now()) ?? { metric, properties: props });
  };

  const subscribe = (input: SubscribeInput) => {
    if (optedOut()) return log.debug('subscribe ignored: visitor opted out'), false;
    if (!input || typeof input.listId !== 'string' || !input.listId) {
      throw new KlaviyoLiteError('invalid_argument', 'subscribe expects { listId, email?, phone_number? }');
    }
    const known = identity.identifiers();
    const email = input.email ?? known.email;
    const phone = input.phone_number ?? known.phone_number;
    const ids: ProfileIdentifiers = {};
    if (email && isEmail(email)) ids.email = email;
    if (phone && isE164(phone)) ids.phone_number = phone;
    if (!ids.email && !ids.phone_number) {
      throw new KlaviyoLiteError('no_identifier', 'subscribe needs a valid email or an E.164 phone_number');
    }
    identity.remember(ids);
    delivery.send({ endpoint: 'subscriptions', body: subscriptionBody(input, ids), profileKey: profileKey(ids) });
    return true;
  };

  const methods: Record<string, (...args: any[]) => unknown> = {
    identify,
    track,
    subscribe,
    isIdentified: () => identity.isIdentified(),
    account(id?: unknown) {
      if (id !== undefined && !setAccount(id)) delivery.flush();
      return companyId;
    },
    cookieDomain: (domain?: string) => identity.domain(domain),
    viewedProduct: (product) => trackPayload(viewedProduct(product)),
    addedToCart: (item, cart) => trackPayload(addedToCart(item, cart)),
    startedCheckout: (cart) => trackPayload(startedCheckout(cart, now())),
    trackViewedItem: (item) => rememberViewedItem(item, localStore(), now()),
    optOut() {
      identity.optOut();
      delivery.clear();
      hold.clear();
      return true;
    },
    optIn() {
      identity.optIn();
      return true;
    },
  };

  const run = (name: string, args: unknown[]): Promise<unknown> => {
    const callbacks: Callback[] = [];
    while (typeof args[args.length - 1] === 'function') callbacks.unshift(args.pop() as Callback);
    const method = methods[name];
    let promise = new Promise((resolve) => {
      if (!method) {
        log.debug(`"${name}" is not supported by klaviyo-lite: ignored`);
        return resolve(undefined);
      }
      resolve(method(...args));
    }).catch((error) => {
      const typed = error instanceof KlaviyoLiteError ? error : new KlaviyoLiteError('internal', `${name} failed: ${error}`);
      log.warn(typed.message);
      throw typed;
    });
    const fire = (result: unknown) => {
      for (const callback of callbacks) {
        try {
          callback(result);
        } catch (error) {
          log.error(`a ${name} callback threw`, error);
        }
      }
    };
    promise.then(fire, () => fire(false));
    promise.catch(noop); // ignoring the returned Promise must not raise an unhandled rejection in the page
    if (name === 'account') promise = Object.assign(promise, { toString: () => companyId ?? '', toJSON: () => companyId });
    return promise;
  };

  const api = {} as KlaviyoLite & Record<string, unknown>;
  for (const name of Object.keys(methods)) api[name] = (...args: unknown[]) => run(name, args);
  api.push = (...commands: unknown[]) =>
    Promise.all(
      commands.map((command) =>
        Array.isArray(command) && typeof command[0] === 'string'
          ? run(command[0], command.slice(1)).catch(noop)
          : (log.debug('push ignored a command that is not [method, ...args]', command), undefined),
      ),
    );
  Object.defineProperty(api, '__klaviyoLite', { value: true });

  const kx = (() => {
    try {
      return new URLSearchParams(location.search).get('_kx');
    } catch {
      return null;
    }
  })();
  if (kx && !optedOut()) identity.remember({ _kx: kx });
  if (config.dataLayer) {
    const w = window as unknown as { dataLayer?: unknown[] };
    watchDataLayer((w.dataLayer ||= []), trackPayload, log);
  }

  return { api, trackPayload, isIdentified: identity.isIdentified, delivery };
}

/** The ESM entry: a klaviyo object of your own, configured in code instead of by a script tag. */
export function createKlaviyo(options: ClientOptions = {}): KlaviyoLite {
  return createClient(options).api;
}
