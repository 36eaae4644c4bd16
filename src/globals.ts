import type { KlaviyoLite, Logger } from './types';

type Command = unknown[];
type Win = Window & { klaviyo?: unknown; _learnq?: unknown; _klOnsite?: unknown; klaviyoLite?: KlaviyoLite };

const isLive = (value: unknown) => !!value && (value as { __klaviyoLite?: boolean }).__klaviyoLite === true;

/** A second copy of the script on the same page must not start a second client (it would send twice). */
export const isLoaded = (w: Win) => isLive(w.klaviyo) || isLive(w._learnq) || isLive(w.klaviyoLite);

/**
 * Hands the page's pre-load queues to the live object, in order: the legacy `_learnq` array, then
 * `_klOnsite` (Klaviyo's published Proxy stub and ours) and a plain `window.klaviyo` array. Afterwards
 * `window.klaviyo` and `window._learnq` are live, and any stub or array the page kept a reference to
 * forwards its pushes to the live object.
 */
export function installGlobals(w: Win, api: KlaviyoLite, isIdentified: () => boolean, log: Logger): void {
  const forward = (...commands: Command[]) => api.push(...commands);
  const queues: Command[][] = [];
  const adopt = (queue: unknown) => {
    if (!Array.isArray(queue)) return;
    queues.push(queue.splice(0, queue.length));
    try {
      Object.defineProperty(queue, 'push', { value: forward, configurable: true, writable: true });
    } catch {
      // A frozen array keeps its own push; later pushes to it are the page's to lose.
    }
  };
  adopt(w._learnq);
  adopt(w._klOnsite);
  const ownObject = w.klaviyo !== undefined && !Array.isArray(w.klaviyo) && !Array.isArray(w._klOnsite);
  adopt(w.klaviyo);

  w.klaviyoLite = api;
  w._klOnsite = { push: forward };
  w._learnq = Object.defineProperty({ ...api, push: forward, isIdentified }, '__klaviyoLite', { value: true });
  if (ownObject) {
    log.error('window.klaviyo is already defined by the page and is not a Klaviyo stub: it is left alone; use window.klaviyoLite');
  } else w.klaviyo = api;

  for (const queue of queues) forward(...queue);
}
