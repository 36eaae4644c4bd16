// The script-tag bundle, as shipped: esbuild bundles and lowers to ES2019, then terser minifies once more.
// terser's passes (and its frequency-ordered names) take about 800 bytes off the gzip size that esbuild's
// minifier alone leaves; both are kept so that the bundle step stays esbuild's.
//
// ES2019, not ES2017: the built-ins the script needs (globalThis for ky, Object.fromEntries) already set the floor
// at Chrome 73, Firefox 65 and Safari 12.1, which all parse ES2019; lowering further only cost bytes (about 100).
import { build } from 'esbuild';
import { minify } from 'terser';


// Property names that never leave the bundle, renamed short like local variables (about 130 bytes): ky's private
// fields (`this._options`, read by ky alone) and internal methods of ours. Never a name the page, the wire, web
// storage or a data- attribute (read through `dataset`) can see: those must keep their spelling.
const internal = [
  '_options', '_input', '_retryCount', '_decorateResponse', '_calculateRetryDelay', '_retry', '_fetch', '_stream',
  'trackPayload', 'optedOut', 'refusal', 'forgetHeld', 'switches', 'adoptOrphans', 'heartbeat', 'isOptedOut',
  'remember', 'identifiers', 'settle', 'release', 'resume', 'keep', 'methods', 'pending',
];
export const mangleProps = new RegExp(`^(${internal.join('|')})$`);

/** `{ code, map, metafile }` for `dist/klaviyo-lite.js`; `map` is for `file`, pointing at src/. */
export async function bundleScript({ file = 'klaviyo-lite.js', plugins = [] } = {}) {
  const result = await build({
    entryPoints: ['src/page/browser.ts'],
    outfile: file,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2019',
    mangleProps,
    sourcemap: 'external',
    legalComments: 'none',
    metafile: true,
    write: false,
    plugins,
  });
  const text = (suffix) => result.outputFiles.find((f) => f.path.endsWith(suffix)).text;
  // Three choices below are for bytes against the 15,360-byte ceiling (README, "Size"), each measured:
  // `sequences: false` keeps statements apart rather than joined by commas (−15 B: gzip finds more repeats);
  // `unsafe_comps` may write `a < b` as `b > a` (−6 B; unsafe only for operands with side-effecting valueOf,
  // and ours compare numbers); no `//# sourceMappingURL` comment (−27 B): the map ships beside the script
  // (`dist/klaviyo-lite.js.map`), for devtools to load, or for a `SourceMap` response header to name; and no
  // banner comment (−15 B): the licence ships in the package.
  const { code, map } = await minify(text('.js'), {
    ecma: 2019,
    compress: { passes: 3, sequences: false, unsafe_comps: true },
    mangle: true,
    sourceMap: { content: text('.js.map'), filename: file },
  });
  return { code, map, metafile: result.metafile };
}
