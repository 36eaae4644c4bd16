import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../demo-site/emulator/server.mjs';

const dist = (file: string) => readFileSync(new URL(`../dist/${file}`, import.meta.url));

export type Pages = Record<string, string | { body: string; headers?: Record<string, string> }>;

/**
 * A storefront origin for bare test pages: serves the built script (also in the key-in-path form) and the
 * pages given, on its own 127.0.0.1 port — cross-origin to the emulator, as in production.
 */
export async function startSite(pages: Pages = {}) {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (/klaviyo-lite\.js$/.test(url.pathname)) {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      return response.end(dist('klaviyo-lite.js'));
    }
    if (url.pathname === '/stub.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      return response.end(dist('stub.js'));
    }
    const page = pages[url.pathname];
    if (page === undefined) {
      response.writeHead(404).end();
      return;
    }
    const { body, headers } = typeof page === 'string' ? { body: page, headers: {} } : page;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pages,
    // The page may still hold keep-alive connections: close them, or close() waits for their timeout.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { startEmulator };
export const stubSource = () => dist('stub.js').toString();
export const publishedStubSource = () =>
  readFileSync(new URL('../test/fixtures/klaviyo-published-stub.js', import.meta.url), 'utf8');
