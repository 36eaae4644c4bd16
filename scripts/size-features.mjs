// `npm run size:features`: what each feature costs, measured by taking it out of the bundle. Each feature's
// modules are replaced by stubs that export the same names as do-nothing functions; the row is the gzip -9
// difference to the whole script. Rows overlap where features share code, so they do not add up exactly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleScript } from './bundle.mjs';

const FEATURES = [
  ['ky (HTTP client)', ['node_modules/ky/']],
  ['js-cookie', ['node_modules/js-cookie/']],
  ['delivery, ky included: outbox per page and per account, leases, backoff, pacing, bulk, size caps, keepalive flush', ['src/delivery/']],
  ['identify field rules and the JSON-safe property cleaner', ['src/events/profile.ts', 'src/events/validate.ts']],
  ['ecommerce: typed helpers and Segment/RudderStack names', ['src/adapters/ecommerce.ts', 'src/adapters/spec.ts']],
  ['GA4 dataLayer adapter', ['src/adapters/ga4.ts']],
  ['recently viewed items', ['src/identity/viewed.ts']],
  ['events held while anonymous (data-hold-anonymous)', ['src/identity/hold.ts']],
  ['consent: the gate and its readers (data-consent)', ['src/consent/']],
  ['Placed Order and Ordered Product', ['src/adapters/orders.ts']],
  ['Back in Stock', ['src/events/back-in-stock.ts']],
  ['identity cookie: __kla_id read and written, copies found and removed, domain probe', ['src/identity/cookie.ts']],
  ['Active on Site and the session flags', ['src/client/activity.ts', 'src/events/user-agent.ts']],
  ['crawler detection', ['src/page/crawler.ts']],
];

const gzip = (code) => gzipSync(code, { level: 9 }).length;

// A module's export names, read from its source (enough for our own modules); packages export a default.
const stubFor = (file) => {
  if (file.includes('node_modules/')) {
    return 'const f = () => f; export default new Proxy(f, { get: () => f });';
  }
  const text = readFileSync(file, 'utf8');
  const names = [...text.matchAll(/export (?:async )?(?:function|const|let|class) (\w+)/g)].map((m) => m[1]);
  return names.map((name) => `export const ${name} = () => {};`).join('\n');
};

const without = (prefixes) => ({
  name: 'without',
  setup(build) {
    build.onLoad({ filter: /\.(ts|js|mjs)$/ }, (args) => {
      const relative = path.relative(process.cwd(), args.path);
      if (!prefixes.some((prefix) => relative.startsWith(prefix))) return undefined;
      return { contents: stubFor(relative), loader: 'js' };
    });
  },
});

const whole = gzip((await bundleScript()).code);
console.log(`| feature | bytes (gzip -9) |\n| --- | ---: |`);
for (const [name, prefixes] of FEATURES) {
  const rest = gzip((await bundleScript({ plugins: [without(prefixes)] })).code);
  console.log(`| ${name} | ${(whole - rest).toLocaleString('en')} |`);
}
console.log(`| **the whole script** | **${whole.toLocaleString('en')}** |`);
