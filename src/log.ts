import type { Logger } from './types';

const prefix = '[klaviyo-lite]';

// console is looked up on each call: pages and tests replace it.
export function createLogger(isDebug: () => boolean): Logger {
  const print = (level: 'debug' | 'warn' | 'error', message: string, detail: unknown[]) => {
    try {
      console[level === 'debug' ? 'log' : level](`${prefix} ${message}`, ...detail);
    } catch {
      // A broken console must not break the page.
    }
  };
  return {
    debug: (message, ...detail) => isDebug() && print('debug', message, detail),
    warn: (message, ...detail) => isDebug() && print('warn', message, detail),
    error: (message, ...detail) => print('error', message, detail),
  };
}

export const silentLogger: Logger = { debug() {}, warn() {}, error() {} };
