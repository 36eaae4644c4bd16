// `npm run bench`: klaviyo-lite against the browser SDKs storefronts usually load instead, in one table.
// Everything is served from 127.0.0.1: the pages and scripts by a site server, every API request by the
// sink (bench/sink.mjs). Chromium runs with host resolution limited to 127.0.0.1, so nothing can leave.
// See bench/README.md for what each figure means and how it is taken.
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { cpus, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { root } from './peers.mjs';

const env = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const LOADS = env('BENCH_LOADS', 15); // fresh page loads per script for init / latency / 500 calls
const HEAP_RUNS = env('BENCH_HEAP_RUNS', 3); // 10,000-event runs per script
const EVENTS = env('BENCH_EVENTS', 10_000);
// The 10,000-event run: track() called as fast as the page can, in synchronous bursts of BURST calls with a
// yield to the event loop (setTimeout 0) between bursts, so a script can send while later calls come in.
// Ours is also run with all 10,000 calls in one synchronous loop, as a second row.
const BURST = env('BENCH_BURST', 500);
const BURST_GAP_MS = env('BENCH_BURST_GAP_MS', 0);
const DELIVERY_CAP_MS = env('BENCH_DELIVERY_CAP_MS', 8_000); // per run, from the first call
const STALL_MS = 2_000; // stop waiting when nothing new arrived for this long after the last call
const LATENCY_CAP_MS = 4_500;
const SYNC_CALLS = 500;
// The throttled pass: the same fresh loads with the renderer's CPU slowed down THROTTLE times (CDP
// Emulation.setCPUThrottlingRate; 4 is Lighthouse's mobile profile), SLOW_LOADS per script; 0 skips it.
const THROTTLE = env('BENCH_THROTTLE', 4);
const SLOW_LOADS = env('BENCH_SLOW_LOADS', 7);
const SLOW_SYNC_LOADS = env('BENCH_SLOW_SYNC_LOADS', 3);
const SLOW_LATENCY_CAP_MS = 500;
const OUT = process.env.BENCH_OUT || 'bench/results.md';
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const range = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x));
  return v.length ? [Math.min(...v), Math.max(...v)] : [NaN, NaN];
};

const started = Date.now();
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const progress = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);

// ---- build: always, so that the figures are the source's (a dist/ left from an earlier build would be timed) ----
progress('building dist/');
execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const { scripts, segmentBundles, variants } = await import('./peers.mjs');
const { startSink } = await import('./sink.mjs');
const all = scripts().filter((s) => !ONLY || s.id === 'ours' || ONLY.includes(s.id));
const ours = all.find((s) => s.id === 'ours');
// Other builds of ours (BENCH_VARIANTS), in the fresh loads only: each row's ratio is variant ÷ ours.
const extra = variants(process.env.BENCH_VARIANTS, ours);
const loaded = [...all, ...extra];

// ---- servers ----
const sink = await startSink({ segmentBundles: segmentBundles(), log: process.env.BENCH_DEBUG ? (m) => progress(m) : undefined });
const pages = new Map();
const site = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname.startsWith('/s/')) {
    const s = loaded.find((x) => x.src.split('?')[0] === url.pathname);
    const body = url.pathname === '/s/empty.js' ? Buffer.from('/* baseline */') : s?.served;
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
    return res.end(body);
  }
  const html = pages.get(url.pathname);
  if (!html) return res.writeHead(404).end();
  pages.delete(url.pathname);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
});
await new Promise((r) => site.listen(0, '127.0.0.1', r));
const siteUrl = `http://127.0.0.1:${site.address().port}`;

const baseline = {
  id: 'baseline', src: '/s/empty.js', tagAttrs: () => '', before: () => '', after: () => '__bench.ready();',
};

let runCount = 0;
/** A page for one load of `s`, talking to its own run of the sink. */
function page(s) {
  const run = `${s.id}-${++runCount}`;
  const api = `${sink.url}/r/${run}`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>bench ${s.id}</title>
<script>
window.__bench = { t0: 0, t1: 0, tReady: 0 };
(function () {
  var resolve;
  __bench.readyP = new Promise(function (r) { resolve = r; });
  __bench.ready = function () { if (!__bench.tReady) { __bench.tReady = performance.now(); resolve(); } };
})();
${s.before(api)}
__bench.t0 = performance.now();
</script>
<script src="${s.src}"${s.tagAttrs ? s.tagAttrs(api) : ''}></script>
<script>
${s.after(api)}
__bench.t1 = performance.now();
${s.identify ? `__bench.identify = ${s.identify};` : ''}
${s.track ? `__bench.track = ${s.track};` : ''}
</script>
</head><body><p>bench</p></body></html>`;
  const path = `/p/${run}.html`;
  pages.set(path, html);
  return { run, url: siteUrl + path };
}

// ---- browser ----
async function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const { default: packaged } = await import('@sparticuz/chromium');
  return packaged.executablePath();
}
const browser = await chromium.launch({
  executablePath: await chromiumPath(),
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--js-flags=--expose-gc',
    // Nothing but 127.0.0.1 resolves: a script that tries to reach its vendor fails fast and is counted.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
});
const userAgent = await (async () => {
  const c = await browser.newContext();
  const ua = await (await c.newPage()).evaluate(() => navigator.userAgent);
  await c.close();
  return ua;
})();
const external = new Map(); // script id -> count of requests to anything but 127.0.0.1

async function open(s, rate = 1) {
  // A shopper's browser, not a headless one: PostHog drops events from user agents that look like bots.
  const context = await browser.newContext({ userAgent: userAgent.replace('HeadlessChrome', 'Chrome') });
  const p = await context.newPage();
  p.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1:') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) {
      external.set(s.id, (external.get(s.id) || 0) + 1);
      if (process.env.BENCH_DEBUG) progress(`${s.id}: external request ${r.url()}`);
    }
  });
  p.on('pageerror', (e) => progress(`${s.id}: page error: ${e.message}`));
  if (process.env.BENCH_DEBUG) p.on('console', (m) => progress(`${s.id}: console.${m.type()}: ${m.text()}`));
  const cdp = await context.newCDPSession(p);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' }).catch(() => cdp.send('Performance.enable'));
  if (rate > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return { context, page: p, cdp };
}

const metrics = async (cdp) => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));

async function heap(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

// ---- phase 1: fresh page loads: init main-thread time, identify+track → wire, 500 calls ----
// calls: identify+track, then the 500 calls unless `sync` is false; latencyCap: how long to wait for the
// identify+track request before the 500 calls (and the latency figure's cap).
async function load(s, { rate = 1, calls = true, sync = true, latencyCap = LATENCY_CAP_MS } = {}) {
  const { context, page: p, cdp } = await open(s, rate);
  const { run, url } = page(s);
  const out = { ok: false };
  try {
    await p.goto(url, { waitUntil: 'load' });
    await p.evaluate(() => Promise.race([__bench.readyP, new Promise((_, no) => setTimeout(() => no(new Error('not ready in 10 s')), 10e3))]));
    await sleep(200); // let start-up work finish (same wait for every script and the baseline)
    const m = await metrics(cdp);
    const marks = await p.evaluate(() => ({ t0: __bench.t0, t1: __bench.t1, tReady: __bench.tReady }));
    Object.assign(out, {
      ok: true,
      task: m.TaskDuration * 1e3,
      script: m.ScriptDuration * 1e3,
      compile: (m.V8CompileDuration || 0) * 1e3,
      syncWall: marks.t1 - marks.t0,
      readyWall: Math.max(marks.t1, marks.tReady) - marks.t0,
    });
    if (s.track && calls) {
      const marker = `m${run.replace(/[^A-Za-z0-9]/g, '')}`;
      const tCall = await p.evaluate((marker) => {
        const t = performance.timeOrigin + performance.now();
        if (__bench.identify) __bench.identify();
        __bench.track('Bench Latency', { bench_marker: marker });
        return t;
      }, marker);
      const r = sink.run(run);
      const until = Date.now() + latencyCap;
      while (!r.markers.has(marker) && Date.now() < until) await sleep(5);
      out.latency = r.markers.has(marker) ? r.markers.get(marker) - tCall : null;
      out.sync500 = !sync ? undefined : await p.evaluate((n) => {
        const t = performance.now();
        for (let i = 0; i < n; i++) __bench.track('Bench Sync', { i, sku: 'SKU-' + i, price: 9.99 });
        return performance.now() - t;
      }, SYNC_CALLS);
    }
  } catch (e) {
    progress(`${s.id}: load failed: ${e.message}`);
  } finally {
    await context.close();
    sink.forget(run);
  }
  return out;
}

// ---- phase 2: 10,000 events: delivery, requests, heap ----
async function flood(s, { burst = BURST, gap = BURST_GAP_MS } = {}) {
  const { context, page: p, cdp } = await open(s);
  const { run, url } = page(s);
  const out = { ok: false };
  try {
    await p.goto(url, { waitUntil: 'load' });
    await p.evaluate(() => __bench.readyP);
    const r = sink.run(run);
    if (s.identify) {
      await p.evaluate(() => __bench.identify());
      const until = Date.now() + 4000;
      while (r.apiRequests === 0 && Date.now() < until) await sleep(10);
    }
    await sleep(300);
    const before = await heap(cdp);
    const requestsBefore = r.apiRequests;
    const t0 = now();
    // Bursts of synchronous calls with a pause between; a script too slow to take all the calls within the
    // cap gets no more after it (checked every 50 calls), and the figure says how many it took.
    const calls = p.evaluate(async ({ total, burst, gap, cap }) => {
      const start = performance.now();
      let seq = 0;
      while (seq < total && performance.now() - start < cap) {
        for (let i = 0; i < burst && seq < total; i++, seq++) {
          __bench.track('Bench Event', { bench_seq: seq, sku: 'SKU-' + (seq % 50), price: 19.99, currency: 'USD' });
          if (i % 50 === 49 && performance.now() - start >= cap) { seq++; break; }
        }
        await new Promise((ok) => setTimeout(ok, gap));
      }
      return seq;
    }, { total: EVENTS, burst, gap, cap: DELIVERY_CAP_MS });
    let callsDone = false;
    let tCallsDone = 0;
    calls.then((n) => { callsDone = true; tCallsDone = now(); out.called = n; }, () => { callsDone = true; tCallsDone = now(); });
    for (;;) {
      await sleep(25);
      const t = now();
      if (r.seqs.size >= EVENTS) break;
      if (t - t0 > DELIVERY_CAP_MS) break;
      if (callsDone && t - Math.max(tCallsDone, r.lastSeqAt) > STALL_MS) break;
    }
    await calls.catch(() => {});
    out.delivered = r.seqs.size;
    if (r.seqs.size < EVENTS) {
      // Which sequence numbers never arrived, as ranges.
      const gaps = [];
      for (let i = 0; i < (out.called ?? EVENTS); i++) {
        if (r.seqs.has(i)) continue;
        let j = i;
        while (j + 1 < (out.called ?? EVENTS) && !r.seqs.has(j + 1)) j++;
        gaps.push(i === j ? `${i}` : `${i}–${j}`);
        i = j;
      }
      out.missing = gaps.length > 6 ? `${gaps.slice(0, 6).join(', ')} … (${gaps.length} ranges)` : gaps.join(', ');
    }
    out.seconds = ((r.seqs.size >= EVENTS ? r.lastSeqAt : now()) - t0) / 1e3;
    out.requests = r.seqRequests;
    out.allRequests = r.apiRequests - requestsBefore;
    await sleep(1000); // replies processed, timers settled
    out.heapBefore = before;
    out.heapAfter = await heap(cdp);
    out.heapDelta = out.heapAfter - before;
    out.ok = true;
  } catch (e) {
    progress(`${s.id}: 10k run failed: ${e.message}`);
  } finally {
    await context.close();
    sink.forget(run);
  }
  return out;
}

// ---- run, interleaved: each round runs every script once, in a rotating order ----
const rotate = (list, k) => list.map((_, i) => list[(i + k) % list.length]);
const results = Object.fromEntries([...loaded, baseline].map((s) => [s.id, { loads: [], slowLoads: [], floods: [] }]));

// A script whose 500 calls take over 3 s is measured on its first 3 loads only (the time budget); not Segment, the
// targets' reference, whose 500 calls pass 3 s on a loaded machine.
const skipSync = new Set();
progress(`phase 1: ${LOADS} fresh loads × ${loaded.length + 1} pages (scripts + empty baseline)`);
for (let round = 0; round < LOADS; round++) {
  for (const s of rotate([baseline, ...loaded], round)) {
    const t = Date.now();
    const l = await load(s, { sync: !skipSync.has(s.id) });
    results[s.id].loads.push(l);
    if (process.env.BENCH_DEBUG) progress(`  ${s.id}: ${Date.now() - t} ms ${JSON.stringify(l)}`);
    const done = results[s.id].loads.map((x) => x.sync500).filter(Number.isFinite);
    if (done.length >= 3 && median(done) > 3000 && s.id !== 'segment') skipSync.add(s.id);
  }
  if (round % 5 === 4) progress(`  round ${round + 1}/${LOADS}`);
}
// Throttled, the calls are made on the first SLOW_SYNC_LOADS loads only, and not at all for a script whose 500
// calls took over 3 s above (over 12 s throttled, once per run is already too long); the other loads are for init alone.
const slowSyncLoads = (s) => (skipSync.has(s.id) ? 0 : SLOW_SYNC_LOADS);
if (SLOW_LOADS > 0) progress(`phase 1b: ${SLOW_LOADS} fresh loads × ${loaded.length + 1} pages, CPU throttled ×${THROTTLE}`);
for (let round = 0; round < SLOW_LOADS; round++) {
  for (const s of rotate([baseline, ...loaded], round)) {
    const t = Date.now();
    // No latency figure throttled: waiting up to 4.5 s for it (PostHog's 3 s batches) would double the pass.
    const calls = round < slowSyncLoads(s);
    const l = await load(s, { rate: THROTTLE, calls, sync: calls, latencyCap: SLOW_LATENCY_CAP_MS });
    results[s.id].slowLoads.push(l);
    if (process.env.BENCH_DEBUG) progress(`  ${s.id} ×${THROTTLE}: ${Date.now() - t} ms ${JSON.stringify(l)}`);
  }
  if (round % 5 === 4) progress(`  round ${round + 1}/${SLOW_LOADS}`);
}
progress(`phase 2: ${HEAP_RUNS} × ${EVENTS} events × ${all.length} scripts (cap ${DELIVERY_CAP_MS / 1e3} s each)`);
for (let round = 0; round < HEAP_RUNS; round++) {
  for (const s of rotate(all, round)) {
    const f = await flood(s);
    results[s.id].floods.push(f);
    progress(`  ${s.id}: ${f.delivered ?? '?'} of ${EVENTS} in ${f.seconds?.toFixed(1)} s, ${f.requests} requests, heap Δ ${f.heapDelta ?? '?'} B`);
  }
}
const oneLoop = [];
progress(`phase 3: klaviyo-lite, ${EVENTS} calls in one synchronous loop`);
for (let round = 0; round < HEAP_RUNS; round++) {
  const f = await flood(ours, { burst: EVENTS, gap: 0 });
  oneLoop.push(f);
  progress(`  ours, one loop: ${f.delivered ?? '?'} of ${EVENTS} in ${f.seconds?.toFixed(1)} s, ${f.requests} requests, heap Δ ${f.heapDelta ?? '?'} B`);
}
const chromiumVersion = browser.version();
await browser.close();
await sink.close();
site.close();

// ---- statistics ----
const base = median(results.baseline.loads.map((l) => l.task));
// Init main-thread time: renderer main-thread task time for the whole load, less the median for the same
// page with an empty script. Per load, so each has its own figure.
const initOf = (l) => (l.ok ? l.task - base : NaN);
// Throttled, against the throttled empty page.
const slowBase = median(results.baseline.slowLoads.map((l) => l.task));
const slowInitOf = (l) => (l.ok ? l.task - slowBase : NaN);
const series = (id) => {
  const { loads, slowLoads, floods } = results[id];
  return {
    init: loads.map(initOf),
    slowInit: slowLoads.map(slowInitOf),
    slowSync500: slowLoads.map((l) => l.sync500),
    syncWall: loads.map((l) => l.syncWall),
    latency: loads.map((l) => (l.ok ? l.latency ?? NaN : NaN)),
    latencyMissing: loads.filter((l) => l.ok && l.latency == null).length,
    sync500: loads.map((l) => l.sync500),
    heap: floods.map((f) => f.heapDelta),
    requests: floods.map((f) => f.requests),
    delivered: floods.map((f) => f.delivered),
    called: floods.map((f) => f.called),
    seconds: floods.map((f) => f.seconds),
    failed: [...loads, ...slowLoads, ...floods].filter((x) => !x.ok).length,
  };
};
// The ratio of a peer to ours: the median of the per-round ratios (same round, adjacent in time).
const pairedRatio = (peer, mine) => median(peer.map((x, i) => x / mine[i]));
// Throttled init is far noisier per load (the throttler pauses the thread in slices that land in short tasks or
// not; the empty page alone spreads over tens of ms): one load's figure can be near zero or negative, and a
// ratio of such figures means nothing. Its ratio is the ratio of the medians.
const slowInitRatio = (peer, mine) => median(peer) / median(mine);

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const kb = (b) => (Number.isFinite(b) ? `${b < 0 ? '−' : '+'}${fmt(Math.abs(b) / 1024, 0)} KB` : 'n/a');
const cell = (xs, f, ratio) => {
  const m = median(xs);
  const [lo, hi] = range(xs);
  if (!Number.isFinite(m)) return 'n/a';
  return `${f(m)} (${f(lo)}–${f(hi)})${ratio !== undefined ? ` · ${Number.isFinite(ratio) ? fmt(ratio, ratio < 10 ? 2 : 1) : 'n/a'}×` : ''}`;
};

const sizes = Object.fromEntries(loaded.map((s) => [s.id, {
  raw: s.code.length,
  gzip: gzipSync(s.code, { level: 9 }).length,
  brotli: brotliCompressSync(s.code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
}]));
const S = Object.fromEntries(loaded.map((s) => [s.id, series(s.id)]));
const O = S.ours;

const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const cpu = cpus();
const machine = `${cpu[0]?.model?.trim() || 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, Node ${process.version}, Chromium ${chromiumVersion}`;

const lines = [];
lines.push(`### klaviyo-lite vs. peers — ${date}`);
lines.push('');
lines.push(`Machine: ${machine}.  `);
lines.push(`${LOADS} fresh page loads per script, ${HEAP_RUNS} runs of ${EVENTS.toLocaleString('en-US')} events per script ` +
  `(\`track()\` in synchronous bursts of ${BURST}, ${BURST_GAP_MS ? `${BURST_GAP_MS} ms apart` : 'yielding to the event loop between bursts'}; ` +
  `calls and delivery capped at ${DELIVERY_CAP_MS / 1e3} s per run)` +
  `${SLOW_LOADS > 0 ? `, and ${SLOW_LOADS} more fresh loads per script with the CPU throttled ×${THROTTLE} (rows "CPU ×${THROTTLE}")` : ''}, interleaved. ` +
  'Each figure: median (min–max); after `·`, the peer÷klaviyo-lite ratio (median of same-round ratios).');
lines.push('');
lines.push('| script | raw B | gzip -9 B | brotli B | init main-thread ms | identify+track → wire ms | 500 `track()` sync ms | heap Δ after 10k events | requests for 10k events | 10k events delivered |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const s of loaded) {
  const x = S[s.id];
  const me = s.id === 'ours';
  const sz = sizes[s.id];
  const sizeCell = (k) => `${int(sz[k])}${me ? '' : ` · ${fmt(sz[k] / sizes.ours[k], 1)}×`}`;
  const r = (a, b) => (me ? undefined : pairedRatio(a, b));
  const deliveredCell = (() => {
    const d = x.delivered.filter(Number.isFinite);
    if (!d.length) return 'n/a';
    const full = d.every((n) => n >= EVENTS);
    const secs = cell(x.seconds, (v) => fmt(v, 1));
    const c = x.called.filter(Number.isFinite);
    const short = c.some((n) => n < EVENTS) ? ` (only ${cell(x.called, int)} \`track()\` calls returned within the ${DELIVERY_CAP_MS / 1e3} s cap)` : '';
    return full ? `all in ${secs} s` : `${cell(x.delivered, int)} of ${EVENTS.toLocaleString('en-US')} in ${secs} s${short}`;
  })();
  const latencyCell = cell(x.latency, (v) => fmt(v, 1), r(x.latency, O.latency)) + (x.latencyMissing ? ` (${x.latencyMissing} never arrived in ${LATENCY_CAP_MS / 1e3} s)` : '');
  const where = s.pkg ? `${s.pkg}/${s.path}` : extra.includes(s) ? s.file : 'dist/klaviyo-lite.js';
  lines.push(`| ${s.label} ${s.version} <br>\`${where}\` | ${sizeCell('raw')} | ${sizeCell('gzip')} | ${sizeCell('brotli')} | ` +
    `${cell(x.init, (v) => fmt(v, 1), r(x.init, O.init))} | ${s.track ? latencyCell : 'n/a'} | ` +
    `${cell(x.sync500, (v) => fmt(v, 1), r(x.sync500, O.sync500))}${skipSync.has(s.id) ? ` (${x.sync500.filter(Number.isFinite).length} loads)` : ''} | ${cell(x.heap, kb)} | ` +
    `${cell(x.requests, int, r(x.requests, O.requests))} | ${deliveredCell} |`);
}
if (oneLoop.length) {
  const d = oneLoop.map((f) => f.delivered);
  lines.push(`| klaviyo-lite, the ${EVENTS.toLocaleString('en-US')} calls in one synchronous loop | | | | | | | ` +
    `${cell(oneLoop.map((f) => f.heapDelta), kb)} | ${cell(oneLoop.map((f) => f.requests), int)} | ` +
    `${d.every((n) => n >= EVENTS) ? 'all' : `${cell(d, int)} of ${EVENTS.toLocaleString('en-US')}`} in ${cell(oneLoop.map((f) => f.seconds), (v) => fmt(v, 1))} s` +
    `${oneLoop.some((f) => f.missing) ? ` (never delivered: ${[...new Set(oneLoop.map((f) => f.missing).filter(Boolean))].join('; ')})` : ''} |`);
}
// The throttled pass: init and the 500 calls again, against ours in the same throttled pass.
for (const s of SLOW_LOADS > 0 ? loaded : []) {
  const x = S[s.id];
  const r = (a, b) => (s.id === 'ours' ? undefined : pairedRatio(a, b));
  const ri = (a, b) => (s.id === 'ours' ? undefined : slowInitRatio(a, b));
  const syncLoads = x.slowSync500.filter(Number.isFinite).length;
  lines.push(`| ${s.label}, CPU ×${THROTTLE} | | | | ${cell(x.slowInit, (v) => fmt(v, 1), ri(x.slowInit, O.slowInit))} | ` +
    `| ${cell(x.slowSync500, (v) => fmt(v, 1), r(x.slowSync500, O.slowSync500))}` +
    `${skipSync.has(s.id) ? ' (not measured: over 3 s unthrottled)' : s.track ? ` (${syncLoads} load${syncLoads === 1 ? '' : 's'})` : ''} | | | |`);
}
lines.push('');
lines.push('Init details (ms, median (min–max)): wall time from just before the `<script>` tag to just after it and its init call ran, ' +
  'and to the script\'s ready signal; JS execution (CDP ScriptDuration) and all main-thread task time (TaskDuration, baseline subtracted) for the load.');
lines.push('');
lines.push('| script | tag → after init (wall) | tag → ready (wall) | JS execution | main-thread tasks − baseline |');
lines.push('| --- | ---: | ---: | ---: | ---: |');
const ms = (xs) => cell(xs, (v) => fmt(v, 1));
const detailRows = [['loads', '', initOf], ...(SLOW_LOADS > 0 ? [['slowLoads', `, CPU ×${THROTTLE}`, slowInitOf]] : [])];
for (const [key, suffix, initOfLoad] of detailRows) {
  for (const s of [baseline, ...loaded]) {
    const L = results[s.id][key].filter((l) => l.ok);
    lines.push(`| ${s.label ?? 'baseline (empty script)'}${suffix} | ${ms(L.map((l) => l.syncWall))} | ${ms(L.map((l) => l.readyWall))} | ` +
      `${ms(L.map((l) => l.script))} | ${s.id === 'baseline' ? `${ms(L.map((l) => l.task))} (absolute)` : ms(L.map(initOfLoad))} |`);
  }
}
lines.push('');

// ---- targets ----
const seg = S.segment;
const targets = [];
if (seg) {
  const initRatio = pairedRatio(O.init, seg.init);
  // The throttled figures are for information: met or missed is decided on the default run, as before.
  const slow = (mine, peer, ratio = pairedRatio) => (SLOW_LOADS > 0
    ? `; CPU ×${THROTTLE}: ${fmt(median(mine), 1)} ms vs ${fmt(median(peer), 1)} ms: ${fmt(ratio(mine, peer), 2)}×`
    : '');
  targets.push([`init main-thread time ≤ 0.2× Segment's`, initRatio <= 0.2,
    `${fmt(median(O.init), 1)} ms vs ${fmt(median(seg.init), 1)} ms: ${fmt(initRatio, 2)}×${slow(O.slowInit, seg.slowInit, slowInitRatio)}`]);
  const syncRatio = pairedRatio(O.sync500, seg.sync500);
  targets.push([`500 \`track()\` calls ≤ 0.2× Segment's`, syncRatio <= 0.2,
    `${fmt(median(O.sync500), 1)} ms vs ${fmt(median(seg.sync500), 1)} ms: ${fmt(syncRatio, 2)}×${slow(O.slowSync500, seg.slowSync500)}`]);
}
// BENCH_HEAP_RUNS=0 (a quick init-only run): no delivery or heap figures to judge.
if (HEAP_RUNS > 0) {
  const allDelivered = O.delivered.length && O.delivered.every((d) => d >= EVENTS);
  const maxReq = Math.max(...O.requests.filter(Number.isFinite));
  const lost = [...new Set(results.ours.floods.map((f) => f.missing).filter(Boolean))].map((m) => `never delivered: ${m}`);
  targets.push([`${EVENTS.toLocaleString('en-US')} events delivered in ≤ 15 requests`, allDelivered && maxReq <= 15,
    `as fast as possible: delivered ${O.delivered.map(int).join(', ')} of ${EVENTS.toLocaleString('en-US')} ` +
    `in ${O.requests.map(int).join(', ')} requests${lost.length ? ` (${lost.join('; ')})` : ''}` +
    (oneLoop.length ? `; in one synchronous loop: delivered ${oneLoop.map((f) => int(f.delivered)).join(', ')} in ${oneLoop.map((f) => int(f.requests)).join(', ')} requests` +
      `${oneLoop.some((f) => f.missing) ? ` (never delivered: ${[...new Set(oneLoop.map((f) => f.missing).filter(Boolean))].join('; ')})` : ''}` : '')]);
  const maxHeap = Math.max(...O.heap.filter(Number.isFinite));
  targets.push([`heap after ${EVENTS.toLocaleString('en-US')} events within 1 MB of before the first`, maxHeap <= 2 ** 20,
    `Δ ${O.heap.map(kb).join(', ')}${allDelivered ? '' : ' (measured after what was delivered; see above)'}` +
    (oneLoop.length ? `; one loop: Δ ${oneLoop.map((f) => kb(f.heapDelta)).join(', ')}` : '')]);
}
lines.push('**Targets** (klaviyo-lite, same run):');
lines.push('');
for (const [what, met, detail] of targets) lines.push(`- ${met ? 'met' : '**missed**'}: ${what} — ${detail}`);
lines.push('');

// ---- notes that qualify the figures ----
const notes = [];
for (const s of loaded) {
  const n = external.get(s.id);
  if (n) notes.push(`${s.label} tried ${n} request(s) to hosts other than 127.0.0.1 (refused by the browser).`);
  if (S[s.id].failed) notes.push(`${s.label}: ${S[s.id].failed} load(s)/run(s) failed and are left out.`);
}
if (!external.size) notes.push('No script made a request to any host but 127.0.0.1.');
notes.push(`Init main-thread: Chromium's renderer main-thread task time (CDP \`Performance.getMetrics\` TaskDuration) for the whole page load up to 200 ms after the script reported ready, less the median for the same page with an empty script (${fmt(base, 1)} ms).`);
if (SLOW_LOADS > 0) notes.push(`CPU ×${THROTTLE}: the same fresh loads with the renderer slowed down ${THROTTLE} times (CDP \`Emulation.setCPUThrottlingRate\`, Lighthouse's mobile profile), interleaved among themselves; the empty page's TaskDuration there is ${ms(results.baseline.slowLoads.filter((l) => l.ok).map((l) => l.task))} ms (its median is subtracted), and the init ratio is the ratio of the medians (one load's throttled figure can be near zero or negative). There, identify+track and the 500 calls are made on the first ${SLOW_SYNC_LOADS} loads only (none for a script whose 500 calls took over 3 s unthrottled), the calls starting once the identify+track request arrived or after ${SLOW_LATENCY_CAP_MS} ms (no latency figure).`);
notes.push('Peers run with their defaults except what keeps them on 127.0.0.1 and quiet: Segment gets a mocked CDN settings document ' +
  '(Segment.io destination only, standard one-request-per-event delivery, metrics off) and its lazy chunks from its own package; ' +
  'RudderStack is the package\'s bundled build (its default build fetches the XhrQueue delivery plugin from a CDN), with a mocked source config and no destinations; ' +
  'PostHog has autocapture, pageviews, session recording, surveys, flags and external script loading off, and `opt_out_useragent_filter` on (it drops events from headless browsers); ' +
  'its own client-side rate limit (10 events/s, burst 100) and 3 s batch flush are left at their defaults. ' +
  'Plausible has no identify (its latency is track only); it sends each event with `fetch(…, {keepalive: true})`, which Chromium refuses (ERR_INSUFFICIENT_RESOURCES) past its keepalive quota, and those events are lost. ' +
  'The RudderStack file is not minified as shipped (sizes as in the package). Latency is from the page clock at the call to the sink\'s clock when the request carrying the event arrived (same machine clock).');
lines.push('Notes: ' + notes.join(' '));
lines.push('');

const table = lines.join('\n');
console.log(table);
writeFileSync(resolve(root, OUT), table + '\n');
progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; written to ${OUT}`);
