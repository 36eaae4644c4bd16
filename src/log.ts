import type { Logger } from './types';

const prefix = '[klaviyo-lite]';

// console is looked up on each call: pages and tests replace it.
export function createLogger(isDebug: () => boolean): Logger {
  const print = (method: 'log' | 'warn' | 'error', message: string, detail: unknown[]) => {
    try {
      console[method](`${prefix} ${message}`, ...detail);
    } catch {
      // A broken console must not break the page.
    }
  };
  return {
    debug: (message, ...detail) => void (isDebug() && print('log', message, detail)),
    warn: (message, ...detail) => void (isDebug() && print('warn', message, detail)),
    error: (message, ...detail) => print('error', message, detail),
  };
}
