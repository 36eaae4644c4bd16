import { KlaviyoLiteError } from '../errors';
import { markLive } from '../page/globals';
import type { Callback, KlaviyoLite, Logger } from '../types';
import type { Methods } from './context';

const noop = () => {};

/**
 * Runs the klaviyo object's methods by name, and makes the object (`api`: one function per method, and push).
 * Every call returns a Promise: resolved with the method's result,
 * or rejected with a KlaviyoLiteError (anything else thrown becomes code "internal"). Trailing function
 * arguments are callbacks: they always fire, with the result or false, and one that throws is logged. The
 * Promise never reaches the page as an unhandled rejection (the callbacks' handler handles it).
 */
export function createCommands(methods: Methods, log: Logger) {
  const run = (name: string, args: unknown[]): Promise<unknown> => {
    const callbacks: Callback[] = [];
    while (typeof args[args.length - 1] == 'function') callbacks.unshift(args.pop() as Callback);
    // A method klaviyo.js has and we lack (openForm…) resolves undefined.
    const method = methods[name] || (() => void log.debug(`${name}: not supported`));
    const promise = new Promise((resolve) => resolve(method(...args))).catch((error) => {
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
    return promise;
  };

  /** `push([method, ...args], …)`: each command as if the method were called; anything else is ignored. */
  const push = (...commands: unknown[]) =>
    Promise.all(
      commands.map((command) => {
        try {
          if (Array.isArray(command) && typeof command[0] == 'string') return run(command[0], command.slice(1)).catch(noop);
        } catch {}
        log.debug('push: not [method, ...args]: ignored');
      }),
    );

  const api = markLive({ push } as KlaviyoLite & Record<string, unknown>);
  for (const name in methods) api[name] = (...args: unknown[]) => run(name, args);
  return { run, api };
}
