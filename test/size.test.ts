// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, shared with esbuild.config.mjs
import { bundleScript, mangleProps } from '../scripts/bundle.mjs';

// Built here rather than read from dist/, so the check cannot pass on a stale build.
describe('the script tag bundle', () => {
  it('stays under its size ceiling (gzip -9)', async () => {
    const { code } = await bundleScript();
    // The ceiling for every feature of the contract (README, "Size"), as zlib and as `gzip -9c klaviyo-lite.js`
    // count it: GNU gzip deflates a little differently and stores the file's name in its header.
    expect(gzipSync(code, { level: 9 }).length).toBeLessThanOrEqual(15_360);
    const dir = mkdtempSync(join(tmpdir(), 'size-'));
    writeFileSync(join(dir, 'klaviyo-lite.js'), code);
    let gnu: Buffer | undefined;
    try {
      gnu = execFileSync('gzip', ['-9c', join(dir, 'klaviyo-lite.js')]);
    } catch {
      // No gzip on this machine: zlib's figure above stands alone.
    }
    if (gnu) expect(gnu.length).toBeLessThanOrEqual(15_360);
  }, 30e3);

  // The browser floor (README, "Browsers") is Chrome 73, Firefox 65, Safari 12.1: all parse ES2019, none later.
  it('parses as ES2019', async () => {
    const { code } = await bundleScript();
    expect(() => parse(code, { ecmaVersion: 2019 })).not.toThrow();
  }, 30e3);

  // Renamed in the bundle: a public name among them would break every page that calls it.
  it('renames no property the page, the wire or a data- attribute can see', () => {
    const types = readFileSync('src/types.ts', 'utf8');
    const readme = readFileSync('README.md', 'utf8');
    const renamed = (mangleProps as RegExp).source.replace(/^\^\(|\)\$$/g, '').split('|');
    expect(renamed.length).toBeGreaterThan(5);
    for (const name of renamed) {
      expect(types).not.toMatch(new RegExp(`\\b${name}\\??[:(]`));
      expect(readme).not.toMatch(new RegExp(`[\\x60.]${name}\\b`));
    }
  });
});
