import { watchDataLayer } from '../adapters/ga4';
import { createClient, type Client, type ClientOptions } from '../client/client';
import { installGlobals, markLive } from '../page/globals';
import type { Config, KlaviyoLite, Logger, TrackPayload } from '../types';
import { watchCookiebot } from './cookiebot';
import { forgetVisitor } from './forget';
import { createGate, type Reader } from './gate';
import { gcmReader } from './gcm';
import { watchOneTrust } from './onetrust';
import { watchShopify } from './shopify';
import { watchTcf } from './tcf';

// The client's methods (test/consent.test.ts keeps the list in step): the client, which reads cookies, does not
// exist yet to list its own. push() takes any name.
export const GATED_METHODS =
  'identify track isIdentified account cookieDomain subscribe viewedProduct addedToCart startedCheckout placedOrder subscribeBackInStock trackViewedItem optOut optIn';

const noop = () => {};

/**
 * `data-consent="required"`: window.klaviyo holds every call in memory, and the client (which reads cookies and
 * storage) is made only once a source grants consent. Withdrawn, the client goes, and the visitor's data with it.
 */
export function startWithConsent(w: any, config: Config & ClientOptions, log: Logger): void {
  let client: Client | undefined;
  const gate = createGate(
    log,
    () => {
      client = client || createClient(Object.assign({ log, now: gate.now }, config));
    },
    () => {
      // Cleared first: stopping saves what is pending, and nothing is left to save.
      client!.delivery.clear();
      client!.delivery.stop();
      client = undefined;
      forgetVisitor(w);
    },
  );

  // A call that does not reach the client: its trailing callbacks still fire.
  const settle = (name: string, args: unknown[], result: unknown) => {
    for (const arg of args) {
      try {
        if (typeof arg == 'function') arg(result);
      } catch (error) {
        log.error(`a ${name} callback threw`, error);
      }
    }
    return result;
  };

  const call = (name: string, args: unknown[]): Promise<unknown> => {
    if (name == 'consent') {
      // Only `true` grants: a value the page got wrong refuses.
      gate.set(args[0] === true, 'page');
      return Promise.resolve(settle(name, args, gate.granted()));
    }
    return gate.call(
      () => {
        const method = client!.api[name as 'track'] as (...args: unknown[]) => Promise<unknown>;
        return method ? method(...args) : client!.api.push([name as unknown].concat(args));
      },
      () => settle(name, args, false),
    );
  };

  const api = markLive({} as KlaviyoLite & Record<string, unknown>);
  for (const name of (GATED_METHODS + ' consent').split(' ')) api[name] = (...args: unknown[]) => call(name, args);
  api.push = (...commands: unknown[]) =>
    Promise.all(
      commands.map((command) => {
        if (Array.isArray(command) && typeof command[0] == 'string') return call(command[0], command.slice(1)).catch(noop);
        log.debug('push: not [method, ...args]: ignored');
      }),
    );
  installGlobals(w, {
    api,
    isIdentified: () => !!client && client.isIdentified(),
    // Before consent the visitor is not read: anonymous.
    visitor: () => (client ? client.visitor() : {}),
  }, log);

  const reader = (name: string): Reader => (read) => (...args) => {
    try {
      const answer = read(...args);
      if (typeof answer == 'boolean') gate.set(answer, name);
    } catch (error) {
      log.error(`consent: ${name} failed`, error);
    }
  };
  // Google Consent Mode shares the dataLayer watch with GA4 events, which wait like calls (reading them touches no
  // cookie and no storage); those are sent only with data-datalayer.
  const gcm = gcmReader((config.consentGcm || 'ad_storage ad_user_data').split(/[\s,]+/), reader('gcm'));
  const onPayload = (payload: TrackPayload) => {
    if (config.dataLayer) gate.call(() => client!.trackPayload(payload), noop);
  };
  watchDataLayer(w.dataLayer || (w.dataLayer = []), onPayload, log, config.dataLayerPurchase, gcm);
  const watch = (name: string, start: (reader: Reader) => void) => reader(name)(() => start(reader(name)))();
  watch('shopify', (r) => watchShopify(w, r));
  watch('onetrust', (r) => watchOneTrust(w, config.consentOnetrust || 'C0004', r));
  watch('cookiebot', (r) => watchCookiebot(w, r));
  watch('tcf', (r) => watchTcf(w, r));
}
