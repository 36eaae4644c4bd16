import { createClient } from './client';
import { findScript, readConfig } from './config';
import { installGlobals, isLoaded } from './globals';
import { createLogger } from './log';

// The script-tag build: configure from our own <script>, then take over the page's queues.
try {
  const config = readConfig(findScript(document));
  const log = createLogger(() => config.debug);
  if (isLoaded(window)) log.debug('already loaded on this page: this copy stays idle');
  else {
    const client = createClient(Object.assign({ log }, config));
    installGlobals(window, client.api, client.isIdentified, log);
    log.debug('loaded', config);
  }
} catch (error) {
  try {
    console.error('[klaviyo-lite] failed to start', error);
  } catch {
    // nothing left to tell
  }
}
