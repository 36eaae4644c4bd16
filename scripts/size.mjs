// `npm run size`: what the script tag costs, built in memory (dist/ untouched), with each source's share.
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { bundleScript } from './bundle.mjs';

const { code, metafile } = await bundleScript();
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`klaviyo-lite.js  raw ${code.length} B  gzip -9 ${gzip} B  brotli ${brotli} B  (ceiling 15,360 B gzip)`);
if (process.argv.includes('--all')) {
  const inputs = Object.values(metafile.outputs).find((o) => o.entryPoint).inputs;
  for (const [file, { bytesInOutput }] of Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
    console.log(`  ${String(bytesInOutput).padStart(6)}  ${file}`);
  }
}
