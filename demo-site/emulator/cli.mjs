#!/usr/bin/env node
// klaviyo-lite-emulator [--port 8787] [--host 127.0.0.1] [--quiet]
import { parseArgs } from 'node:util';
import { startEmulator } from './server.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    quiet: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0-65535, not ${values.port}`);
  process.exit(2);
}

try {
  const emulator = await startEmulator({ port, host: values.host, quiet: values.quiet });
  console.log(`klaviyo-lite emulator on ${emulator.url}`);
  const stop = () => emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(`klaviyo-lite emulator could not start: ${/** @type {Error} */ (error).message}`);
  process.exit(1);
}
