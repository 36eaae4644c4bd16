// The scripts under test: ours and the peers, each loaded from its own npm package and configured so that
// every request it makes goes to the local sink (no CDN, no remote settings, no autocapture).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEGMENT_WRITE_KEY } from './sink.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** A package's directory (its package.json may not be exported, so resolve by path). */
const pkgDir = (name) => join(root, 'node_modules', name);
const version = (name) => JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8')).version;

// The page-side glue each script needs. `sink` is `http://127.0.0.1:PORT/r/RUN`; `ready()` is a page
// function to call once the script says it is initialised. Each returns HTML fragments: `before` runs
// before the <script> tag, `after` right after it (still synchronously, in the same parse).
// `identify` / `track` are page-side expressions of a function.
export function scripts() {
  const list = [
    {
      id: 'ours',
      label: 'klaviyo-lite',
      version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
      file: join(root, 'dist/klaviyo-lite.js'),
      src: '/s/klaviyo-lite.js?company_id=AbC123',
      tagAttrs: (sink) => ` data-api-base="${sink}"`,
      before: () => '',
      after: () => '__bench.ready();',
      identify: `() => klaviyo.identify({ email: 'bench@example.com' })`,
      track: `(name, props) => klaviyo.track(name, props)`,
    },
    {
      id: 'segment',
      label: 'Segment analytics-next',
      pkg: '@segment/analytics-next',
      path: 'dist/umd/standalone.js',
      src: '/s/segment.js',
      // The snippet's globals: write key, CDN (the sink: settings and lazy chunks come from there) and a
      // pre-load queue holding our ready callback.
      before: (sink) => `window.analytics = []; analytics._writeKey = ${JSON.stringify(SEGMENT_WRITE_KEY)};
        analytics._cdn = ${JSON.stringify(sink)}; analytics._loadOptions = {};
        analytics.push(['ready', function () { __bench.ready(); }]);`,
      after: () => '',
      identify: `() => analytics.identify('bench-user', { email: 'bench@example.com' })`,
      track: `(name, props) => analytics.track(name, props)`,
    },
    {
      id: 'rudderstack',
      label: 'RudderStack analytics-js',
      pkg: '@rudderstack/analytics-js',
      // The default npm build fetches its plugins (XhrQueue, the one that delivers events) as federated
      // modules from RudderStack's CDN at run time; the bundled build ships them inside, so nothing is
      // fetched from elsewhere.
      path: 'dist/npm/modern/bundled/umd/index.js',
      src: '/s/rudderstack.js',
      before: () => '',
      after: (sink) => `(function () {
        var RA = window.rudderanalytics.RudderAnalytics;
        window.rudderanalytics = undefined;
        var ra = new RA();
        window.rudderanalytics = ra;
        ra.load('benchWriteKey', ${JSON.stringify(sink)}, {
          configUrl: ${JSON.stringify(sink)}, destSDKBaseURL: ${JSON.stringify(sink + '/dest')},
          pluginsSDKBaseURL: ${JSON.stringify(sink + '/plugins')}, polyfillIfRequired: false, loadIntegration: false,
          sendAdblockPage: false, logLevel: 'ERROR', onLoaded: function () { __bench.ready(); },
        });
      })();`,
      identify: `() => rudderanalytics.identify('bench-user', { email: 'bench@example.com' })`,
      track: `(name, props) => rudderanalytics.track(name, props)`,
    },
    {
      id: 'posthog',
      label: 'PostHog posthog-js',
      pkg: 'posthog-js',
      path: 'dist/array.js',
      src: '/s/posthog.js',
      before: () => '',
      after: (sink) => `posthog.init('phc_bench', {
        api_host: ${JSON.stringify(sink)}, autocapture: false, capture_pageview: false, capture_pageleave: false,
        disable_session_recording: true, advanced_disable_flags: true, advanced_disable_decide: true,
        advanced_disable_feature_flags: true, disable_surveys: true, disable_external_dependency_loading: true,
        capture_performance: false, capture_dead_clicks: false, capture_exceptions: false, disable_web_experiments: true,
        persistence: 'localStorage', opt_out_useragent_filter: true, loaded: function () { __bench.ready(); },
      });`,
      identify: `() => posthog.identify('bench-user', { email: 'bench@example.com' })`,
      track: `(name, props) => posthog.capture(name, props)`,
    },
    {
      id: 'plausible',
      label: 'Plausible tracker (size reference)',
      pkg: '@plausible-analytics/tracker',
      path: 'plausible.js',
      src: '/s/plausible.js',
      // The package is an ES module; the page loads it as a classic script with its export statement
      // turned into a global, so it can run synchronously between the two marks like the others.
      serve: (code) => {
        const out = code.replace(/export\s*\{\s*init,\s*track,\s*DEFAULT_FILE_TYPES\s*\}\s*;?\s*$/, 'window.__plausibleTracker = { init: init, track: track };');
        if (out === code) throw new Error('@plausible-analytics/tracker: export statement not found; update bench/peers.mjs');
        return out;
      },
      before: () => '',
      after: (sink) => `__plausibleTracker.init({ domain: 'bench.example', endpoint: ${JSON.stringify(sink + '/api/event')},
        autoCapturePageviews: false, captureOnLocalhost: true, logging: false });
        __bench.ready();`,
      identify: null, // no identities in Plausible
      track: `(name, props) => __plausibleTracker.track(name, { props })`,
    },
  ];
  for (const s of list) {
    if (s.pkg) {
      s.version = version(s.pkg);
      s.file = join(pkgDir(s.pkg), s.path);
    }
    s.code = readFileSync(s.file);
    s.served = s.serve ? Buffer.from(s.serve(s.code.toString('utf8'))) : s.code;
  }
  return list;
}

/**
 * Other builds of our script, measured beside it (init, calls) to time a piece by taking it out:
 * `BENCH_VARIANTS=name=/tmp/x/a.js,other=/tmp/x/b.js`. Each is served under a folder of its own with our file
 * name (the script finds its own tag by that name) and gets our page glue.
 */
export function variants(spec, ours) {
  if (!spec) return [];
  return spec.split(',').map((entry) => {
    const [name, file] = entry.split('=');
    if (!/^[\w.-]+$/.test(name) || !file) throw new Error(`BENCH_VARIANTS: "${entry}" is not name=/path/to/file.js`);
    const code = readFileSync(file);
    return Object.assign({}, ours, {
      id: `variant-${name}`, label: `klaviyo-lite variant \`${name}\``, file, code, served: code,
      src: `/s/variant-${name}/klaviyo-lite.js?company_id=AbC123`,
    });
  });
}

export const segmentBundles = () => join(pkgDir('@segment/analytics-next'), 'dist/umd');
export { root, require };
