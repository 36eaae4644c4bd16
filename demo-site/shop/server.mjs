// The demo storefront: a node:http server for the pages, the built SDK and the assets.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extname, join, resolve } from 'node:path';
import { layout } from './layout.mjs';
import * as pages from './pages.mjs';
import { byId, catalogue, products } from './products.mjs';
import { productSvg } from './svg.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const publicDir = join(here, 'public');
export const distDir = resolve(here, '../../dist');

const types = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.html': 'text/html; charset=utf-8',
};

/** CSP: no inline script anywhere, except the GTM page (GTM Custom HTML needs it, as on real sites). */
const csp = (apiBase, inline) => [
  "default-src 'self'", `script-src 'self'${inline ? " 'unsafe-inline'" : ''}`, "style-src 'self'",
  "img-src 'self' data:", `connect-src 'self' ${apiBase}`, "base-uri 'none'", "form-action 'self'",
].join('; ');

function route(path) {
  const ga4 = path === '/ga4' || path.startsWith('/ga4/');
  const prefix = ga4 ? '/ga4' : '';
  const rest = ga4 ? path.slice(4) || '/' : path;
  const flavour = ga4 ? 'ga4' : 'sdk';
  let m;
  if (rest === '/' || rest === '/index.html') return { flavour, ...pages.home(prefix) };
  if ((m = rest.match(/^\/product\/([\w-]+)$/)) && byId(m[1])) return { flavour, ...pages.product(byId(m[1]), prefix) };
  if (rest === '/cart') return { flavour, ...pages.cart(prefix) };
  if (rest === '/checkout') return { flavour, ...pages.checkout(prefix) };
  if (!ga4 && rest === '/account') return { flavour, ...pages.account() };
  if (!ga4 && rest === '/thank-you') return { flavour, ...pages.thankYou() };
  if (!ga4 && rest === '/gtm') return { flavour, gtm: true };
  if (!ga4 && rest === '/consent') return { flavour, ...pages.consent() };
  return null;
}

/**
 * Start the shop. apiBase is where the SDK (and the inspector) reach the API emulator; activity: false puts
 * data-activity="off" on the SDK tag. Returns { url, port, close() }.
 */
export async function startShop({ port = 8080, host = '127.0.0.1', apiBase = 'http://127.0.0.1:8787', dist = distDir, activity = true } = {}) {
  apiBase = apiBase.replace(/\/+$/, '');
  const built = () => existsSync(join(dist, 'klaviyo-lite.js'));

  async function send(res, status, type, body, headers = {}) {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  }

  async function file(res, path) {
    try {
      if (!(await stat(path)).isFile()) throw new Error('not a file');
      await send(res, 200, types[extname(path)] ?? 'application/octet-stream', await readFile(path));
    } catch {
      await send(res, 404, 'text/plain; charset=utf-8', `not found: ${path.includes('dist') ? 'run npm run build' : 'no such file'}\n`);
    }
  }

  async function page(res, path) {
    let p = route(path);
    if (p?.gtm) {
      const stub = await readFile(join(dist, 'stub.js'), 'utf8').catch(() => '/* dist/stub.js missing: npm run build */');
      p = { flavour: 'sdk', ...pages.gtm(apiBase, stub, activity) };
    }
    const status = p ? 200 : 404;
    p ??= pages.notFound();
    const html = layout({ ...p, apiBase, built: built(), path, activity });
    await send(res, status, types['.html'], html, { 'content-security-policy': csp(apiBase, p.csp === 'inline') });
  }

  async function handle(req, res) {
    const { pathname } = new URL(req.url, 'http://shop');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    if (pathname === '/klaviyo-lite.js' || /^\/[A-Za-z0-9]{6}\/klaviyo-lite\.js$/.test(pathname)) {
      return file(res, join(dist, 'klaviyo-lite.js'));
    }
    if (pathname === '/klaviyo-lite.js.map' || pathname === '/stub.js') return file(res, join(dist, pathname.slice(1)));
    if (/^\/[A-Za-z0-9]{6}\/klaviyo-lite\.js\.map$/.test(pathname)) return file(res, join(dist, 'klaviyo-lite.js.map'));
    if (pathname === '/products.json') return send(res, 200, types['.json'], JSON.stringify(catalogue(), null, 2));
    const img = pathname.match(/^\/img\/([\w-]+)\.svg$/);
    if (img) {
      const p = byId(img[1]);
      return p ? send(res, 200, types['.svg'], productSvg(p)) : send(res, 404, 'text/plain', 'no such image\n');
    }
    if (pathname.startsWith('/assets/')) {
      const path = resolve(publicDir, `.${pathname.slice(7)}`);
      if (!path.startsWith(publicDir + '/')) return send(res, 403, 'text/plain', 'forbidden\n');
      return file(res, path);
    }
    if (pathname === '/favicon.ico') return send(res, 200, types['.svg'], productSvg(products[3]));
    return page(res, pathname);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('shop:', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => { server.off('error', fail); ok(); });
  });
  const actual = server.address().port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}
