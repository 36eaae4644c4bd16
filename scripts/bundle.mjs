// The script-tag bundle, as shipped: esbuild bundles and lowers to ES2017, then terser minifies once more.
// terser's second pass (and its frequency-ordered names) takes about 800 bytes off the gzip size that
// esbuild's minifier alone leaves; both are kept so that the bundle step stays esbuild's.
import { build } from 'esbuild';
import { minify } from 'terser';

export const banner = '/*! klaviyo-lite | MIT */';

/** `{ code, map, metafile }` for `dist/klaviyo-lite.js`; `map` is for `file`, pointing at src/. */
export async function bundleScript({ file = 'klaviyo-lite.js', plugins = [] } = {}) {
  const result = await build({
    entryPoints: ['src/page/browser.ts'],
    outfile: file,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2017',
    sourcemap: 'external',
    legalComments: 'none',
    metafile: true,
    write: false,
    plugins,
  });
  const text = (suffix) => result.outputFiles.find((f) => f.path.endsWith(suffix)).text;
  const { code, map } = await minify(text('.js'), {
    ecma: 2017,
    compress: { passes: 2 },
    mangle: true,
    format: { preamble: banner },
    sourceMap: { content: text('.js.map'), filename: file, url: `${file}.map` },
  });
  return { code, map, metafile: result.metafile };
}
