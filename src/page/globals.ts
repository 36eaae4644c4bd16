import type { Client } from '../client/client';
import type { Callback, IdentifyInput, KlaviyoLite, Logger } from '../types';

type Win = Window & { klaviyo?: any; _learnq?: any; _klOnsite?: any; klaviyoLite?: KlaviyoLite };

const LIVE = '__klaviyoLite';
const isLive = (value: unknown) => Object(value)[LIVE] === true;

/** Marks a live object (ours), so that a second copy of the script knows. */
export const markLive = <T>(object: T): T => Object.defineProperty(object, LIVE, { value: true });

/** A second copy of the script on the same page must not start a second client (it would send twice). */
export const isLoaded = (w: Win) => [w.klaviyo, w._learnq, w.klaviyoLite].some(isLive);

/**
 * Hands the page's pre-load queues to the live object, in order: the legacy `_learnq` array, then
 * `_klOnsite` (Klaviyo's published Proxy stub and ours) and a plain `window.klaviyo` array. Afterwards
 * `window.klaviyo` and `window._learnq` are live, and any stub or array the page kept a reference to
 * forwards its pushes to the live object.
 */
export function installGlobals(w: Win, client: Pick<Client, 'api' | 'isIdentified' | 'visitor'>, log: Logger): void {
  const { api } = client;
  const forward = (...commands: unknown[][]) => api.push(...commands);
  const queued: unknown[][] = [];
  const adopt = (queue: unknown) => {
    if (!Array.isArray(queue)) return;
    // Copied, not spliced: a frozen or sealed array can be read but not emptied.
    queued.push(...queue);
    try {
      queue.length = 0;
      Object.defineProperty(queue, 'push', { value: forward, configurable: true, writable: true });
    } catch {
      // A frozen or sealed array keeps its own push: what the page pushes to it later is lost to us.
    }
  };
  const ownObject = w.klaviyo !== undefined && !Array.isArray(w.klaviyo) && !Array.isArray(w._klOnsite);
  adopt(w._learnq);
  adopt(w._klOnsite);
  adopt(w.klaviyo);

  w.klaviyoLite = api;
  w._klOnsite = { push: forward };
  // Legacy themes read these answers synchronously; a trailing callback still fires.
  const isIdentified = (callback?: Callback) => {
    api.isIdentified(callback);
    return client.isIdentified();
  };
  // With no argument it reads the visitor: integrations test `_learnq.identify().$email` before tracking a checkout.
  const identify = (input?: IdentifyInput, ...rest: Callback[]) => (input === undefined ? client.visitor() : api.identify(input, ...rest));
  w._learnq = markLive(Object.assign({}, api, { push: forward, isIdentified, identify }));
  if (ownObject) log.error('window.klaviyo is taken: use window.klaviyoLite');
  else w.klaviyo = api;

  forward(...queued);
}
