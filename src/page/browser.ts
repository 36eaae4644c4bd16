import { createClient } from '../client/client';
import { findScript, readConfig } from './config';
import { installGlobals, isLoaded } from './globals';
import { createLogger } from '../log';
import { startWithConsent } from '../consent/start';

// The script-tag build: configure from our own <script>, then take over the page's queues.
let debug = false;
const log = createLogger(() => debug);
try {
  const config = readConfig(findScript(document));
  debug = config.debug;
  if (isLoaded(window)) log.debug('already loaded on this page: idle');
  else if (config.consent == 'required') startWithConsent(window, config, log);
  else {
    const client = createClient(Object.assign({ log }, config));
    installGlobals(window, client, log);
    client.start();
    log.debug('loaded', config);
  }
} catch (error) {
  log.error('failed to start', error);
}
