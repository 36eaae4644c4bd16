// A local stand-in for Klaviyo's client API: same paths, checks, errors and rate limits, plus a
// record of every request and an admin API to inject faults (see README.md).
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { admin } from './admin.mjs';
import { normalizeFaults, takeFault } from './faults.mjs';
import { cors, parseJson, preflight, problem, readBody, send } from './http.mjs';
import { createLimiter } from './limits.mjs';
import { eventsOf, profileKey, profileOf, ruleErrors } from './rules.mjs';
import { validateBody } from './schemas.mjs';

const endpoints = new Set(['events', 'event-bulk-create', 'profiles', 'subscriptions', 'back-in-stock-subscriptions']);
const clientPath = /^\/client\/([^/]+)\/?$/;
const companyPattern = /^[A-Za-z0-9]{6}$/;
const revisionPattern = /^\d{4}-\d{2}-\d{2}(\.[A-Za-z0-9_-]+)?$/;
const mediaTypes = new Set(['application/vnd.api+json', 'application/json']);
const maxBody = 5 * 1024 * 1024;
const maxRecords = 10_000; // a long soak keeps the newest

const header = (req, name) => (req.headers[name] === undefined ? null : String(req.headers[name]));
const reject = (status, code, detail, source) => ({
  status,
  verdict: 'invalid',
  errors: [problem(status, code, detail, source)],
});
const invalid = (errors) => ({
  status: 400,
  verdict: 'invalid',
  errors: errors.map(({ pointer, detail }) => problem(400, 'invalid', detail, { pointer })),
});
const secondOf = (time) => {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? String(time) : `@${Math.floor(ms / 1000)}`;
};

/** A line for the console about one record. */
export function describe(record) {
  const what = record.metric ? `"${record.metric}"` : record.metrics ? `${record.metrics.length} events` : '';
  const error = record.errors?.[0];
  const why = error ? `: ${[error.source?.pointer ?? error.source?.parameter, error.detail].filter(Boolean).join(' ')}` : '';
  const status = record.status || 'drop';
  return `#${record.seq} ${status} ${record.verdict} ${record.endpoint ?? record.path} ${what}${why}`.trimEnd();
}

/**
 * @param {{ port?: number, host?: string, limits?: Record<string, Partial<{ burst: number, steady: number }>>, quiet?: boolean }} [options]
 */
export async function startEmulator({ port = 0, host = '127.0.0.1', limits, quiet = false } = {}) {
  const limiter = createLimiter(limits);
  const streams = new Set();
  let records = [];
  let seq = 0;
  let faults = [];
  let offlineUntil = 0;
  let seen = new Set();

  const isOffline = () => Date.now() < offlineUntil;

  function commit(record) {
    records.push(record);
    if (records.length > maxRecords) records = records.slice(-maxRecords);
    for (const stream of streams) stream.write(`data: ${JSON.stringify(record)}\n\n`);
    if (!quiet) console.log(describe(record));
  }

  function drop(req, record, fault) {
    Object.assign(record, { status: 0, verdict: 'fault', fault });
    req.socket.destroy();
    commit(record);
  }

  function answer(res, record, { status, verdict, errors, headers }) {
    Object.assign(record, { status, verdict }, errors && { errors });
    send(res, status, errors && { errors }, headers);
    commit(record);
  }

  function facts(endpoint, body) {
    if (!endpoint || typeof body !== 'object' || body === null) return {};
    const profile = profileOf(endpoint, body);
    const events = eventsOf(endpoint, body);
    const uniqueIds = events.map((event) => event.uniqueId).filter((id) => typeof id === 'string');
    const metric = events[0]?.metric;
    return {
      ...(profile && { profile }),
      ...(endpoint === 'events' && typeof metric === 'string' && { metric }),
      ...(endpoint === 'event-bulk-create' && { metrics: events.map((event) => event.metric) }),
      ...(events.length > 0 && { uniqueIds }),
    };
  }

  // Klaviyo keeps the first of an account's events that share profile, metric and unique_id (default: the second).
  function dedupe(record, body) {
    const events = eventsOf(record.endpoint, body);
    const profile = profileKey(record.profile);
    const fresh = events.filter((event) => {
      const id = event.uniqueId ?? secondOf(event.time ?? record.time);
      const key = [record.companyId, profile, event.metric, id].join('\u0000');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const duplicates = events.length - fresh.length;
    if (duplicates === 0) return { status: 202, verdict: 'accepted' };
    record.duplicate = true;
    if (record.endpoint === 'event-bulk-create') record.duplicates = duplicates;
    return { status: 202, verdict: fresh.length === 0 ? 'duplicate' : 'accepted' };
  }

  function judge(record, parsed, tooLarge) {
    const { endpoint, companyId, revision } = record;
    if (!endpoint) return reject(404, 'not_found', `There is no client endpoint at ${record.path}.`);
    if (!companyPattern.test(companyId ?? '')) {
      const detail = companyId === null ? 'company_id is required' : `'${companyId}' is not a public API key`;
      return reject(400, 'invalid', `${detail} (6 letters or digits)`, { parameter: 'company_id' });
    }
    const retryAfter = limiter.take(companyId, endpoint);
    if (retryAfter > 0) {
      const detail = `Request was throttled. Expected available in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`;
      return {
        status: 429,
        verdict: 'throttled',
        errors: [problem(429, 'throttled', detail)],
        headers: { 'retry-after': String(retryAfter) },
      };
    }
    if (revision === null) return reject(400, 'invalid', 'The revision header is required.', { parameter: 'revision' });
    if (!revisionPattern.test(revision)) {
      return reject(400, 'invalid', `revision '${revision}' is not YYYY-MM-DD[.suffix]`, { parameter: 'revision' });
    }
    const type = (record.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!mediaTypes.has(type)) {
      return reject(415, 'unsupported_media_type', `Content-Type '${record.contentType ?? ''}' is not application/vnd.api+json.`);
    }
    if (tooLarge) return reject(413, 'too_large', `The body is over ${maxBody} bytes.`);
    if ('error' in parsed) return reject(400, 'parse_error', `The body is not JSON: ${parsed.error}`);
    const schema = validateBody(endpoint, parsed.value);
    if (!schema.valid) return invalid(schema.errors);
    const rules = ruleErrors(endpoint, parsed.value);
    if (rules.length > 0) return invalid(rules);
    return dedupe(record, parsed.value);
  }

  async function client(req, res, url, name) {
    const { text, tooLarge } = await readBody(req, maxBody);
    const parsed = parseJson(text);
    const endpoint = endpoints.has(name) ? name : null;
    const record = {
      seq: ++seq,
      time: new Date().toISOString(),
      method: req.method,
      path: url.pathname,
      endpoint,
      companyId: url.searchParams.get('company_id'),
      revision: header(req, 'revision'),
      contentType: header(req, 'content-type'),
      origin: header(req, 'origin'),
      body: 'value' in parsed ? parsed.value : text,
      ...facts(endpoint, parsed.value),
    };
    if (isOffline()) return drop(req, record, { offline: true });
    const fault = takeFault(faults, endpoint);
    if (fault) {
      record.fault = fault;
      if (fault.delayMs) await sleep(fault.delayMs, undefined, { ref: false });
      if (fault.drop) return drop(req, record, fault);
      if (fault.status) {
        const errors = fault.status >= 400 ? [faultProblem(fault.status)] : undefined;
        const headers = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
        return answer(res, record, { status: fault.status, verdict: 'fault', errors, headers });
      }
    }
    answer(res, record, judge(record, parsed, tooLarge));
  }

  const api = {
    records: (since = 0) => records.filter((record) => record.seq > since),
    faults: () => faults.map((fault) => ({ ...fault })),
    addFaults: (list) => void (faults = [...faults, ...normalizeFaults(list)]),
    setFaults: (list) => void (faults = normalizeFaults(list)),
    offline: (ms) => (offlineUntil = Date.now() + ms),
    reset() {
      records = [];
      seen = new Set();
      limiter.reset();
    },
    health: () => ({
      ok: true,
      records: records.length,
      faults: faults.length,
      offlineUntil: isOffline() ? new Date(offlineUntil).toISOString() : null,
      limits: limiter.limits,
    }),
    stream(req, res, since) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': klaviyo-lite emulator\n\n');
      if (since !== undefined) for (const record of api.records(since)) res.write(`data: ${JSON.stringify(record)}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
    },
  };

  async function route(req, res) {
    const url = new URL(req.url ?? '/', 'http://emulator');
    cors(req, res);
    const match = clientPath.exec(url.pathname);
    if (match) {
      if (req.method === 'OPTIONS') return isOffline() ? req.socket.destroy() : preflight(req, res, 'POST, OPTIONS');
      if (req.method !== 'POST') {
        const errors = [problem(405, 'method_not_allowed', `Use POST for ${url.pathname}.`)];
        return send(res, 405, { errors }, { allow: 'POST, OPTIONS' });
      }
      return client(req, res, url, match[1]);
    }
    if (url.pathname.startsWith('/__emulator/')) {
      if (req.method === 'OPTIONS') return preflight(req, res, 'GET, POST, DELETE, OPTIONS');
      return admin(req, res, url, api);
    }
    send(res, 404, { errors: [problem(404, 'not_found', `Nothing at ${url.pathname}.`)] });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error) => {
      send(res, 500, { errors: [problem(500, 'error', `The emulator failed: ${error?.message ?? error}`)] });
    });
  });
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': ping\n\n');
  }, 15_000).unref();

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url: origin,
    port: address.port,
    requests: () => api.records(),
    reset: api.reset,
    setFaults: api.setFaults,
    close() {
      clearInterval(heartbeat);
      for (const stream of streams) stream.end();
      return new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
    },
  };
}

function faultProblem(status) {
  if (status === 429) return problem(429, 'throttled', 'Request was throttled (injected fault).');
  if (status >= 500) return problem(status, 'error', `Injected server error ${status}.`);
  return problem(status, 'fault', `Injected fault ${status}.`);
}
