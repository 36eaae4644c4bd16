// `npm run soak` (not part of `npm test`): 10,000 events through the built script in real Chromium, against
// the emulator with random faults on ~20% of requests and a few reloads, then a count of what arrived.
//
//   node scripts/soak.mjs [--events 10000] [--rate 0.2] [--reloads 2] [--tabs 1] [--cap 240] [--seed N]
//
// Needs dist/ (`npm run build`). Exit code 1 when an event is lost or counted twice.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { startFaultyEmulator } from './soak-faults.mjs';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '0.2' },
    reloads: { type: 'string', default: '2' },
    tabs: { type: 'string', default: '1' },
    cap: { type: 'string', default: '240' }, // seconds to wait for the outbox to empty after the last track
    seed: { type: 'string' },
  },
});
const EVENTS = Number(args.events);
const RATE = Number(args.rate);
const RELOADS = Number(args.reloads);
const TABS = Number(args.tabs);
const CAP_MS = Number(args.cap) * 1000;
const KEY = 'SoAk42';
const EMAIL = 'soak@shop.example';
const METRICS = ['Viewed Product', 'Added to Cart', 'Viewed Page', 'Searched', 'Started Checkout'];

// A small seeded PRNG (mulberry32), so a run can be repeated: --seed.
const seed = args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(args.seed);
const random = (() => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const chromiumPath = async () => {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const { existsSync } = await import('node:fs');
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const { default: packaged } = await import('@sparticuz/chromium');
  return packaged.executablePath();
};
// As e2e/browser.ts.
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

const started = Date.now();
const api = await startFaultyEmulator({ rate: RATE, random });
const { emulator } = api;
const script = readFileSync(new URL('../dist/klaviyo-lite.js', import.meta.url));
const shop = createServer((req, res) => {
  if (/klaviyo-lite\.js/.test(req.url ?? '')) {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    return res.end(script);
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>soak</title>
    <script async src="/klaviyo-lite.js?company_id=${KEY}" data-api-base="${api.url}"></script>`);
});
await new Promise((resolve) => shop.listen(0, '127.0.0.1', () => resolve(undefined)));
const shopUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (shop.address()).port}/`;

// Every record, kept here (the emulator keeps the newest 10,000).
const records = new Map();
const collect = () => {
  for (const r of emulator.requests()) records.set(r.seq, r);
};
const collector = setInterval(collect, 500);

const browser = await chromium.launch({ executablePath: await chromiumPath(), args: FLAGS, headless: true });
const context = await browser.newContext();
const problems = [];
const pages = [];
const ready = (page) => page.waitForFunction(() => window.klaviyoLite?.__klaviyoLite === true);
for (let i = 0; i < TABS; i++) {
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`tab ${i}: page error: ${error}`));
  // The script's own errors (a request dropped, the outbox full) and warnings; not Chromium's network log lines.
  page.on('console', (m) => m.text().startsWith('[klaviyo-lite]') && m.type() !== 'log' && problems.push(`tab ${i}: ${m.type()}: ${m.text()}`));
  await page.goto(shopUrl);
  await ready(page);
  pages.push(page);
}
await pages[0].evaluate((email) => window.klaviyoLite.identify({ email }), EMAIL);

// Tracking: small bursts (1–12 events) from a random tab every ~75 ms, a profile update now and then, and
// RELOADS reloads of a random tab spread over the run (each while requests are likely in flight).
let sent = 0;
let rejected = 0;
let profiles = 1;
let reloads = 0;
const reloadTimes = [];
const reloadAt = Array.from({ length: RELOADS }, (_, i) => Math.floor((EVENTS * (i + 1)) / (RELOADS + 1)));
const trackStart = Date.now();
let lastLog = 0;
while (sent + rejected < EVENTS) {
  const from = sent + rejected;
  const count = Math.min(EVENTS - from, 1 + Math.floor(random() * 12));
  const page = pages[Math.floor(random() * pages.length)];
  const batch = Array.from({ length: count }, (_, i) => [METRICS[Math.floor(random() * METRICS.length)], from + i]);
  const ok = await page.evaluate((batch) => batch.map(([metric, n]) => window.klaviyoLite.track(metric, { n, $value: n % 50 })), batch)
    .then((results) => Promise.all(results));
  const accepted = ok.filter(Boolean).length;
  sent += accepted;
  rejected += count - accepted;
  if (random() < 0.01) {
    profiles++;
    await page.evaluate((email) => window.klaviyoLite.identify({ email, properties: { soakStep: Date.now() } }), EMAIL);
  }
  if (reloads < reloadAt.length && sent + rejected >= reloadAt[reloads]) {
    reloads++;
    reloadTimes.push(Date.now());
    const which = Math.floor(random() * pages.length);
    await pages[which].reload();
    await ready(pages[which]);
  }
  await sleep(40 + random() * 70);
  if (Date.now() - lastLog > 10_000) {
    lastLog = Date.now();
    console.log(`… ${sent} tracked, ${Math.round((Date.now() - trackStart) / 1000)} s`);
  }
}
const trackMs = Date.now() - trackStart;

// Draining: wait for the outbox to empty (all tabs share it) and the last answers to be recorded.
const drainStart = Date.now();
// Every page's outbox key (`__kla_outbox.<page>`: { alive, records }), and the legacy shared one.
const outboxOf = () =>
  pages[0].evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('__kla_outbox'))
      .map((k) => [k, localStorage.getItem(k)]),
  );
const outboxLength = async () =>
  (await outboxOf()).reduce((n, [, v]) => {
    const value = JSON.parse(v);
    return n + (Array.isArray(value) ? value : value.records).length;
  }, 0);
let left = await outboxLength();
while (left > 0 && Date.now() - drainStart < CAP_MS) {
  await sleep(1000);
  left = await outboxLength();
  if (Date.now() - lastLog > 15_000) (lastLog = Date.now()), console.log(`… draining: ${left} outbox record(s) left`);
}
const drainMs = Date.now() - drainStart;
await sleep(12_000); // a delayed request the client gave up on is still recorded when the emulator answers it
collect();
clearInterval(collector);
const outboxLeft = (await outboxOf()).map(([k, v]) => `${k} = ${v}`).join('; ') || null;

// Counting, from the emulator's records.
const all = [...records.values()].filter((r) => r.method === 'POST');
const eventsOf = (r) =>
  r.endpoint === 'event-bulk-create' ? r.body?.data?.attributes?.events?.data ?? []
  : r.endpoint === 'events' ? [r.body?.data].filter(Boolean)
  : [];
const deliveries = new Map(); // n → times the API answered 202 for it
let deduped = 0; // of those, how many the emulator found already counted
for (const r of all) {
  if (r.status !== 202) continue;
  const events = eventsOf(r);
  for (const e of events) {
    const n = e.attributes?.properties?.n;
    deliveries.set(n, (deliveries.get(n) ?? 0) + 1);
  }
  if (r.endpoint === 'event-bulk-create') deduped += r.duplicates ?? 0;
  else if (r.endpoint === 'events' && r.duplicate) deduped += 1;
}
let accepted = 0;
let redelivered = 0;
for (let n = 0; n < sent + rejected; n++) {
  const times = deliveries.get(n) ?? 0;
  if (times) accepted++;
  redelivered += Math.max(0, times - 1);
}
const countedTwice = redelivered - deduped;
const lostList = [];
for (let n = 0; n < sent + rejected; n++) if (!deliveries.has(n)) lostList.push(n);
const count = (list, test) => list.filter(test).length;
const faults = all.filter((r) => r.fault);
const kind = (f) => ('offline' in f ? 'offline' : f.drop ? 'drop' : f.status ? String(f.status) : f.delayMs > 10_000 ? 'delay>10s' : 'delay');
const faultKinds = {};
for (const r of faults) faultKinds[kind(r.fault)] = (faultKinds[kind(r.fault)] ?? 0) + 1;
const byEndpoint = {};
for (const r of all) byEndpoint[r.endpoint] = (byEndpoint[r.endpoint] ?? 0) + 1;
const statusOf = {};
for (const r of all) statusOf[`${r.status || 'drop'} ${r.verdict}`] = (statusOf[`${r.status || 'drop'} ${r.verdict}`] ?? 0) + 1;
const bulkSizes = all.filter((r) => r.endpoint === 'event-bulk-create').map((r) => eventsOf(r).length);
const wallMs = Date.now() - started;

const row = (name, value, note = '') => console.log(`| ${name.padEnd(30)} | ${String(value).padStart(10)} | ${note}`);
console.log(`\nsoak: ${EVENTS} events, fault rate ${RATE}, ${RELOADS} reload(s), ${TABS} tab(s), seed ${seed}\n`);
console.log(`| ${'measure'.padEnd(30)} | ${'value'.padStart(10)} | note`);
console.log(`|${'-'.repeat(32)}|${'-'.repeat(12)}|------`);
row('sent (tracked)', sent, rejected ? `${rejected} track() calls returned false` : '');
row('accepted (distinct events)', accepted);
row('lost (sent − accepted)', sent - accepted, lostList.length ? `n = ${lostList.slice(0, 12).join(', ')}${lostList.length > 12 ? ' …' : ''}` : '');
row('duplicates counted', countedTwice, 'an event counted twice by the API');
row('redelivered, deduped', deduped, 'sent again after an answer was lost; unique_id made it harmless');
row('requests (client POSTs)', all.length, Object.entries(byEndpoint).map(([k, v]) => `${k} ${v}`).join(', '));
row('  answers', '', Object.entries(statusOf).map(([k, v]) => `${k}: ${v}`).join(', '));
row('faults injected', faults.length, Object.entries(faultKinds).map(([k, v]) => `${k} ${v}`).join(', ') + ` (proxy drew ${api.stats().injected} of ${api.stats().decided})`);
const throttled = all.filter((r) => r.verdict === 'throttled');
const sinceReload = (r) => {
  const t = Date.parse(r.time);
  const before = reloadTimes.filter((x) => x <= t);
  return before.length ? `${((t - before[before.length - 1]) / 1000).toFixed(1)} s after reload ${before.length}` : 'before any reload';
};
row('throttled by the API (429)', throttled.length, throttled.map((r) => `${r.endpoint} ${sinceReload(r)}`).join('; ') || 'the emulator\'s own rate limits');
row('invalid (400)', count(all, (r) => r.verdict === 'invalid'));
row('bulk requests: events each', bulkSizes.length ? `${Math.min(...bulkSizes)}–${Math.max(...bulkSizes)}` : '-', bulkSizes.length ? `mean ${(bulkSizes.reduce((a, b) => a + b, 0) / bulkSizes.length).toFixed(1)}` : '');
row('profile updates', profiles, `${count(all, (r) => r.endpoint === 'profiles' && r.status === 202)} accepted`);
row('reloads', reloads);
row('tracking time', `${(trackMs / 1000).toFixed(1)} s`);
row('drain time (outbox → empty)', `${(drainMs / 1000).toFixed(1)} s`, left ? `CAP REACHED, ${left} record(s) left` : '');
row('wall time', `${(wallMs / 1000).toFixed(1)} s`);
console.log(`\noutbox at the end: ${outboxLeft && outboxLeft.length > 200 ? `${outboxLeft.slice(0, 200)}…` : outboxLeft}`);
if (problems.length) console.log(`\npage errors / console errors and warnings (${problems.length}):\n  ${problems.slice(0, 20).join('\n  ')}`);

await browser.close();
await new Promise((resolve) => shop.close(() => resolve(undefined)));
await api.close();
process.exit(sent - accepted === 0 && countedTwice === 0 && sent === EVENTS ? 0 : 1);
