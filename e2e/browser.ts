import { existsSync } from 'node:fs';

// Flags for a sandboxed machine with no network but the package registries (and no GPU).
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** CHROMIUM_PATH, else Debian's Chromium, else the one shipped in the @sparticuz/chromium package. */
export async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const { default: packaged } = await import('@sparticuz/chromium');
  return packaged.executablePath(); // its own `args` turn web security (and so CORS) off: never used
}
