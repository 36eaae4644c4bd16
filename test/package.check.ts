// @vitest-environment node
// The package as a user gets it: packed, installed from the tarball into an empty project with its `dependencies`
// alone, then imported under Node, type-checked with tsc, and its emulator bin started. `npm test` runs it as its
// own step (npx vitest run --config vitest.package.config.ts).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody } from './helpers/bodies';
import { repoRoot } from './helpers/spec';

const SLOW = 240_000;
let project: string;
let shipped: string[];

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const npm = (args: string[], cwd: string) => run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, cwd);

beforeAll(() => {
  // `npm test` has just built dist/; a bare `vitest run` in a fresh clone builds it here.
  if (!existsSync(path.join(repoRoot, 'dist/index.js'))) run(process.execPath, ['esbuild.config.mjs'], repoRoot);
  project = mkdtempSync(path.join(tmpdir(), 'klaviyo-lite-consumer-'));
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', project], repoRoot));
  shipped = packed.files.map((f: { path: string }) => f.path);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(project, packed.filename)], project);
}, SLOW);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships the built entries and the emulator, without the build report', () => {
    expect(shipped).toEqual(
      expect.arrayContaining([
        'dist/index.js', 'dist/index.d.ts', 'dist/klaviyo-lite.js', 'dist/stub.js', 'dist/script.d.ts',
        'demo-site/emulator/cli.mjs', 'demo-site/emulator/validators.gen.mjs',
      ]),
    );
    expect(shipped.filter((file) => file.endsWith('meta.json'))).toEqual([]);
  });

  it('installs with its dependencies alone (no ajv)', () => {
    expect(existsSync(path.join(project, 'node_modules/klaviyo-lite/dist/index.js'))).toBe(true);
    expect(existsSync(path.join(project, 'node_modules/ajv'))).toBe(false);
  });
});

describe('installed', () => {
  it('imports under Node (server-side rendering) and createKlaviyo() does not throw', () => {
    const script = [
      "import { createKlaviyo, KlaviyoLiteError } from 'klaviyo-lite';",
      "const klaviyo = createKlaviyo({ companyId: 'AbC123' });",
      'console.log(JSON.stringify({ error: typeof KlaviyoLiteError, identify: typeof klaviyo.identify }));',
    ].join('\n');
    const out = run(process.execPath, ['--input-type=module', '-e', script], project);
    expect(JSON.parse(out)).toEqual({ error: 'function', identify: 'function' });
  }, SLOW);

  it.each(['nodenext', 'bundler'])('type-checks a consumer against the shipped .d.ts (moduleResolution %s)', (resolution) => {
    writeFileSync(
      path.join(project, 'consumer.ts'),
      [
        "import { createKlaviyo, KlaviyoLiteError, viewedProduct, type KlaviyoLite, type Product } from 'klaviyo-lite';",
        "const klaviyo: KlaviyoLite = createKlaviyo({ companyId: 'AbC123', debug: true });",
        "const kettle: Product = { id: 'K-7', name: 'Kettle', price: 42.5 };",
        "export const sent: Promise<boolean> = klaviyo.track('Viewed Product', { ProductID: kettle.id });",
        'export const helper = viewedProduct;',
        'export const isOurs = (e: unknown) => e instanceof KlaviyoLiteError;',
        '// @ts-expect-error: a track name must be a string',
        'klaviyo.track(42);',
      ].join('\n'),
    );
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const module = resolution === 'bundler' ? 'esnext' : 'nodenext';
    const args = [tsc, 'consumer.ts', '--noEmit', '--strict', '--module', module, '--moduleResolution', resolution,
      '--target', 'es2020', '--lib', 'es2020,dom'];
    let output = '';
    try {
      run(process.execPath, args, project);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, SLOW);

  describe('the emulator bin', () => {
    let child: ChildProcess;
    let url: string;

    beforeAll(async () => {
      const bin = path.join(project, 'node_modules/.bin/klaviyo-lite-emulator');
      child = spawn(bin, ['--port', '0', '--quiet'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
      const stderr: string[] = [];
      child.stderr!.on('data', (chunk) => stderr.push(String(chunk)));
      url = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the bin exited (${code}) before listening: ${stderr.join('')}`)));
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const found = /emulator on (http:\/\/\S+)/.exec(line);
          if (found) resolve(found[1]);
        });
      });
    }, SLOW);

    afterAll(() => {
      child?.kill();
    });

    const post = (body: unknown) =>
      fetch(`${url}/client/events?company_id=AbC123`, {
        method: 'POST',
        headers: { revision: '2026-07-15', 'content-type': 'application/vnd.api+json' },
        body: JSON.stringify(body),
      });

    it('accepts a valid body and refuses an invalid one, naming the field', async () => {
      expect((await post(eventBody())).status).toBe(202);
      const refused = await post(eventBody('Viewed Product', { email: 42 }));
      expect(refused.status).toBe(400);
      const { errors } = (await refused.json()) as { errors: Array<{ source: { pointer: string } }> };
      expect(errors.map((e) => e.source.pointer)).toContain('/data/attributes/profile/data/attributes/email');
    });
  });
});

it('the bin is the file package.json names', () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  expect(manifest.bin['klaviyo-lite-emulator']).toBe('./demo-site/emulator/cli.mjs');
  expect(manifest.scripts.prepack).toMatch(/esbuild\.config\.mjs/);
});
