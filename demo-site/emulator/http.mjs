// Small HTTP helpers: CORS as a cross-origin API answers it, JSON:API errors, bounded body reading.
import { randomUUID } from 'node:crypto';

const titles = {
  400: 'Invalid input.',
  404: 'Not found.',
  405: 'Method not allowed.',
  413: 'Request entity too large.',
  415: 'Unsupported media type.',
  429: 'Request was throttled.',
  500: 'A server error occurred.',
  503: 'Service unavailable.',
};

/**
 * One JSON:API error object.
 * @param {number} status
 * @param {string} code
 * @param {string} detail
 * @param {{ pointer?: string, parameter?: string }} [source]
 */
export function problem(status, code, detail, source) {
  const title = titles[status] ?? (status >= 500 ? titles[500] : 'Request failed.');
  return { id: randomUUID(), status, code, title, detail, ...(source && { source }), links: {}, meta: {} };
}

/** Headers every answer carries, so the page can read it (and its Retry-After) cross-origin. */
export function cors(req, res) {
  res.setHeader('access-control-allow-origin', req.headers.origin || '*');
  res.setHeader('access-control-expose-headers', 'retry-after');
  res.setHeader('vary', 'origin');
}

/** Answers a preflight: the methods given, our headers plus whatever the page asks to send. */
export function preflight(req, res, methods) {
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  res.setHeader('access-control-allow-methods', methods);
  res.setHeader('access-control-allow-headers', [...new Set(['content-type', 'revision', ...requested])].join(', '));
  res.setHeader('access-control-max-age', '7200');
  if (req.headers['access-control-request-private-network'] === 'true') {
    res.setHeader('access-control-allow-private-network', 'true');
  }
  res.writeHead(204).end();
}

/** Sends JSON (JSON:API media type for `errors` bodies), or an empty body when `body` is undefined. */
export function send(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  if (body === undefined) return void res.writeHead(status, { ...headers, 'content-length': 0 }).end();
  const text = JSON.stringify(body);
  const type = body?.errors ? 'application/vnd.api+json' : 'application/json';
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Reads the whole body as text; past `limit` bytes it keeps draining and reports `tooLarge`.
 * @returns {Promise<{ text: string, tooLarge: boolean }>}
 */
export function readBody(req, limit) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > limit }));
    req.on('error', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > limit }));
  });
}

/** JSON.parse as `{ value }`, or `{ error }` with the parser's message. */
export function parseJson(text) {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: /** @type {Error} */ (error).message };
  }
}
