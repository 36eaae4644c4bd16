// The one API host every script in the bench talks to: answers 2xx to anything, serves the few
// configuration documents the peers fetch at start-up (Segment's CDN settings and lazy chunks,
// RudderStack's source config), and records, per run, what arrived and when.
//
// Every page gets its own run id, and every script is pointed at `{sink}/r/{run}/…`, so requests are
// attributed to the page that sent them even if a closed page's request straggles in late.
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const SEGMENT_WRITE_KEY = 'benchWriteKey';

const now = () => performance.timeOrigin + performance.now();

/** What a request body says about the bench's own events: their sequence numbers and latency markers. */
export function decodeBody(buffer, contentType = '') {
  let text = '';
  try {
    text = buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzipSync(buffer).toString('utf8') : buffer.toString('utf8');
  } catch {
    text = buffer.toString('utf8');
  }
  // PostHog's legacy form encoding: data=<base64 JSON>.
  if (/x-www-form-urlencoded/.test(contentType) || /^data=/.test(text)) {
    try {
      const data = new URLSearchParams(text).get('data');
      if (data) text = /^[\[{]/.test(data) ? data : Buffer.from(data, 'base64').toString('utf8');
    } catch {}
  }
  const seqs = [];
  const markers = [];
  for (const m of text.matchAll(/\\?"bench_seq\\?":\s*\\?"?(\d+)/g)) seqs.push(Number(m[1]));
  for (const m of text.matchAll(/\\?"bench_marker\\?":\s*\\?"([A-Za-z0-9]+)/g)) markers.push(m[1]);
  return { seqs, markers, text };
}

export async function startSink({ segmentBundles, log = () => {} } = {}) {
  const runs = new Map();
  const run = (id) => {
    let r = runs.get(id);
    if (!r) {
      r = { requests: [], seqs: new Set(), seqRequests: 0, markers: new Map(), lastSeqAt: 0, apiRequests: 0, bytes: 0 };
      runs.set(id, r);
    }
    return r;
  };
  let port = 0;

  const server = createServer((req, res) => {
    const t = now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const cors = {
      'access-control-allow-origin': origin || '*',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': req.headers['access-control-request-headers'] || '*',
      'access-control-max-age': '600',
      vary: 'origin',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    const m = url.pathname.match(/^\/r\/([A-Za-z0-9_-]+)(\/.*)?$/);
    if (!m) {
      res.writeHead(404, cors).end();
      return;
    }
    const id = m[1];
    const rest = m[2] || '/';
    const base = `127.0.0.1:${port}/r/${id}`;

    // Segment: the CDN settings document, and the lazily loaded chunks of analytics-next.
    if (rest === `/v1/projects/${SEGMENT_WRITE_KEY}/settings`) {
      res.writeHead(200, { ...cors, 'content-type': 'application/json' });
      res.end(JSON.stringify({
        integrations: {
          'Segment.io': { apiKey: SEGMENT_WRITE_KEY, apiHost: `${base}/v1`, protocol: 'http', unbundledIntegrations: [], addBundledMetadata: false },
        },
        plugins: {},
        enabledMiddleware: {},
        middlewareSettings: {},
        metrics: { sampleRate: 0 },
        legacyVideoPluginsEnabled: false,
        remotePlugins: [],
        analyticsNextEnabled: true,
      }));
      return;
    }
    if (rest.startsWith('/analytics-next/bundles/')) {
      const file = segmentBundles && join(segmentBundles, rest.slice('/analytics-next/bundles/'.length).replace(/[^A-Za-z0-9._-]/g, ''));
      if (file && existsSync(file)) {
        res.writeHead(200, { ...cors, 'content-type': 'text/javascript' });
        res.end(readFileSync(file));
      } else res.writeHead(404, cors).end();
      run(id).requests.push({ t, method: req.method, path: rest, kind: 'static' });
      return;
    }
    // RudderStack: the source configuration (no destinations, no stats collection).
    if (rest.startsWith('/sourceConfig')) {
      res.writeHead(200, { ...cors, 'content-type': 'application/json' });
      res.end(JSON.stringify({
        isHosted: false,
        source: {
          id: 'benchSource', name: 'bench', writeKey: url.searchParams.get('writeKey') || 'benchWriteKey',
          workspaceId: 'benchWorkspace', enabled: true,
          config: { statsCollection: { errors: { enabled: false }, metrics: { enabled: false } } },
          destinations: [],
        },
      }));
      return;
    }

    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const { seqs, markers } = decodeBody(body, req.headers['content-type']);
      const r = run(id);
      r.apiRequests++;
      r.bytes += body.length;
      r.requests.push({ t, method: req.method, path: rest, kind: 'api', bytes: body.length, events: seqs.length });
      if (seqs.length) {
        r.seqRequests++;
        for (const s of seqs) r.seqs.add(s);
        r.lastSeqAt = now();
      }
      for (const marker of markers) if (!r.markers.has(marker)) r.markers.set(marker, t);
      log(`${id} ${req.method} ${rest} ${body.length}B seqs=${seqs.length}`);
      const client = rest.startsWith('/client/');
      res.writeHead(client ? 202 : 200, { ...cors, 'content-type': 'application/json' });
      res.end(client ? '' : '{"status":1}');
    });
    req.on('error', () => {});
  });
  server.keepAliveTimeout = 30e3;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    run,
    forget: (id) => runs.delete(id),
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
