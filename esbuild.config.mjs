// Builds every artifact of the public contract and reports what the script tag costs a storefront.
import { build } from 'esbuild';
import { bundleScript } from './scripts/bundle.mjs';
import { pointDeclarationsAtFiles } from './scripts/declarations.mjs';
import { writeEmulatorValidators } from './scripts/emulator-validators.mjs';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { execFileSync } from 'node:child_process';

// A fresh dist/ each time: npm pack ships the whole folder, so nothing stale may linger in it.
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
mkdirSync('.cache', { recursive: true });

const iife = await bundleScript();
writeFileSync('dist/klaviyo-lite.js', iife.code);
writeFileSync('dist/klaviyo-lite.js.map', iife.map);

await build({
  entryPoints: ['src/page/stub.js'],
  outfile: 'dist/stub.js',
  minify: true,
  target: 'es5',
  legalComments: 'none',
});

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  format: 'esm',
  target: 'es2017',
  sourcemap: true,
  external: ['ky', 'js-cookie'],
});

// Types for bundler users: tsc from the same strict settings, declarations only.
execFileSync(process.execPath, [
  'node_modules/typescript/bin/tsc', 'src/index.ts', '--declaration', '--emitDeclarationOnly', '--outDir', 'dist',
  '--strict', '--target', 'es2017', '--module', 'esnext', '--moduleResolution', 'bundler', '--skipLibCheck',
  '--lib', 'es2020,dom,dom.iterable', '--types', 'node',
], { stdio: 'inherit' });
pointDeclarationsAtFiles('dist');
await writeEmulatorValidators();
// The two classic scripts export nothing; their types entry says so (an import of them only runs them).
writeFileSync('dist/script.d.ts', 'export {};\n');

const code = readFileSync('dist/klaviyo-lite.js');
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`dist/klaviyo-lite.js  raw ${code.length} B  gzip -9 ${gzip} B  brotli ${brotli} B  (ceiling 15,360 B gzip)`);
console.log(`dist/stub.js          raw ${readFileSync('dist/stub.js').length} B`);

const inputs = {};
for (const [file, { bytesInOutput }] of Object.entries(Object.values(iife.metafile.outputs).find((o) => o.entryPoint).inputs)) {
  const key = file.startsWith('node_modules/') ? file.split('/').slice(0, file.startsWith('node_modules/@') ? 3 : 2).join('/') : file;
  inputs[key] = (inputs[key] ?? 0) + bytesInOutput;
}
console.log('top contributors (esbuild-minified bytes, before terser and compression):');
for (const [file, bytes] of Object.entries(inputs).sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`  ${String(bytes).padStart(6)}  ${file}`);
}
// The build report stays out of dist/, which is what the package ships.
writeFileSync('.cache/meta.json', JSON.stringify(iife.metafile));
