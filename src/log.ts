import type { Logger } from './types';

// console is looked up on each call: pages and tests replace it. debug and warn print only with data-debug.
export function createLogger(isDebug: () => boolean): Logger {
  const printer =
    (method: 'log' | 'warn' | 'error') =>
    (message: string, ...detail: unknown[]) => {
      try {
        if (method == 'error' || isDebug()) console[method](`[klaviyo-lite] ${message}`, ...detail);
      } catch {
        // A broken console must not break the page.
      }
    };
  return { debug: printer('log'), warn: printer('warn'), error: printer('error') };
}
