// `npm run demo`: build the SDK if stale, start the API emulator and the shop on two origins.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startShop } from './shop/server.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const HOST = '127.0.0.1';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** True when dist/klaviyo-lite.js is missing or older than anything in src/. */
export function stale() {
  const out = join(root, 'dist', 'klaviyo-lite.js');
  if (!existsSync(out)) return true;
  return existsSync(join(root, 'src')) && newest(join(root, 'src')) > statSync(out).mtimeMs;
}

/** Runs `node esbuild.config.mjs` when the build is stale; resolves to whether dist/ is usable. */
export async function ensureBuild() {
  if (!stale()) return true;
  const config = join(root, 'esbuild.config.mjs');
  const code = !existsSync(config) ? 1 : await new Promise((ok) => {
    console.log('building dist/ (node esbuild.config.mjs)…');
    spawn(process.execPath, [config], { cwd: root, stdio: 'inherit' })
      .on('exit', (c) => ok(c ?? 1)).on('error', () => ok(1));
  });
  if (code !== 0) console.error('demo not yet built: npm run build failed');
  return code === 0;
}

async function emulatorAt(port, quiet) {
  let mod;
  try {
    mod = await import('./emulator/server.mjs');
  } catch (err) {
    console.error(`API emulator not available (demo-site/emulator/server.mjs): ${err.message}`);
    return null;
  }
  return mod.startEmulator({ port, host: HOST, quiet });
}

/**
 * Starts the emulator and the shop in-process (for e2e tests). Port 0 picks a free port; quiet: false
 * logs each emulator request; activity: false turns Active on Site off on every page. Returns
 * { shopUrl, emulatorUrl, emulator, close() }; emulator is null when demo-site/emulator/server.mjs could not be loaded.
 */
export async function startDemo({ shopPort = 0, emulatorPort = 0, quiet = true, activity = true } = {}) {
  const emulator = await emulatorAt(emulatorPort, quiet);
  const emulatorUrl = (emulator?.url ?? `http://${HOST}:${emulatorPort || 8787}`).replace(/\/+$/, '');
  let shop;
  try {
    shop = await startShop({ port: shopPort, host: HOST, apiBase: emulatorUrl, activity });
  } catch (err) {
    await emulator?.close();
    throw err;
  }
  return {
    shopUrl: shop.url,
    emulatorUrl,
    emulator,
    close: async () => { await shop.close(); await emulator?.close(); },
  };
}

const port = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${v}"`);
  return n;
};

async function main() {
  await ensureBuild();
  let demo;
  try {
    demo = await startDemo({ shopPort: port('SHOP_PORT', 8080), emulatorPort: port('EMULATOR_PORT', 8787), quiet: false });
  } catch (err) {
    const hint = err.code === 'EADDRINUSE' ? ' (port in use: set SHOP_PORT / EMULATOR_PORT, 0 = any free port)' : '';
    console.error(`demo failed to start: ${err.message}${hint}`);
    process.exit(1);
  }
  console.log(`\nklaviyo-lite demo\n  shop:     ${demo.shopUrl}/\n  emulator: ${demo.emulatorUrl}${demo.emulator ? '' : ' (not running)'}\n  GA4 shop: ${demo.shopUrl}/ga4/\n\nCtrl-C to stop.`);
  const stop = async () => {
    setTimeout(() => process.exit(0), 1500).unref(); // an open inspector tab must not keep us alive
    await demo.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
