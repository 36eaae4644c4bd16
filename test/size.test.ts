// @vitest-environment node
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, shared with esbuild.config.mjs
import { bundleScript } from '../scripts/bundle.mjs';

// Built here rather than read from dist/, so the check cannot pass on a stale build.
describe('the script tag bundle', () => {
  it('stays under its size ceiling (gzip -9)', async () => {
    const { code } = await bundleScript();
    const gzip = gzipSync(code, { level: 9 }).length;
    // The ceiling for every feature of the contract (README, "Size").
    expect(gzip).toBeLessThanOrEqual(15_360);
  }, 30e3);
});
