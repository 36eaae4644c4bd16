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
    // Interim ceiling: the goal is 10,240 bytes (see README, "Size"); until it is met this catches growth.
    expect(gzip).toBeLessThanOrEqual(13_200);
  }, 30e3);
});
