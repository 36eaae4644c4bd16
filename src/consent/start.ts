import { watchDataLayer } from '../adapters/ga4';
import { createClient, type Client, type ClientOptions } from '../client/client';
import { createCommands } from '../client/commands';
import { METHOD_NAMES, type Methods } from '../client/context';
import { installGlobals } from '../page/globals';
import type { Config, Logger, TrackPayload } from '../types';
import { watchCookiebot } from './cookiebot';
import { forgetVisitor } from './forget';
import { createGate, type Reader } from './gate';
import { gcmReader } from './gcm';
import { watchOneTrust } from './onetrust';
import { watchShopify } from './shopify';
import { watchTcf } from './tcf';

const PLATFORMS = [
  ['shopify', watchShopify],
  ['onetrust', watchOneTrust],
  ['cookiebot', watchCookiebot],
  ['tcf', watchTcf],
] as const;

/**
 * `data-consent="required"`: window.klaviyo holds every call in memory, and the client (which reads cookies and
 * storage) is made only once a source grants consent. Withdrawn, the client goes, and the visitor's data with it.
 */
export function startWithConsent(w: any, config: Config & ClientOptions, log: Logger): void {
  let client: Client | undefined;
  const gate = createGate(
    log,
    () => {
      if (!client) {
        // The dataLayer is watched here, for consent and GA4 alike: the client's start() adds Active on Site only.
        client = createClient(Object.assign({ log, now: gate.now }, config, { dataLayer: false }));
        client.start();
      }
    },
    () => {
      // Cleared first: stopping saves what is pending, and nothing is left to save.
      client!.delivery.clear();
      client!.delivery.stop();
      client = undefined;
      forgetVisitor(w);
    },
  );

  // Each method waits at the gate, and resolves false when consent is refused.
  const methods: Methods = Object.create(null);
  for (const name of METHOD_NAMES.split(' ')) methods[name] = (...args) => gate.call(() => client!.methods[name](...args));
  methods.consent = (value) => {
    // Only `true` grants: a value the page got wrong refuses.
    const granted = value === true;
    gate.set(granted, 'page');
    return granted;
  };
  const { api } = createCommands(methods, log);
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
    if (config.dataLayer) gate.call(() => client!.trackPayload(payload)).catch((error) => log.warn('dataLayer event not sent', error));
  };
  watchDataLayer(w, onPayload, log, config.dataLayerPurchase, gcm);
  // Each platform starts under its own name: one that throws stops none of the others.
  for (const [name, watch] of PLATFORMS) {
    const read = reader(name);
    read(() => watch(w, read, config))();
  }
}
