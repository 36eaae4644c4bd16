// `npm test`: typecheck, build, package checks (pack, publint, attw), unit tests, browser tests — then one line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const out = '.cache/test';
mkdirSync(out, { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;

const run = (title, command, args, env = {}) => {
  console.log(`\n== ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
};
const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};
const count = (title, ok) => (ok ? passed++ : (failed++, console.log(`FAILED: ${title}`)));

count('typecheck', run('typecheck', 'npx', ['tsc', '--noEmit']));
const built = run('build', 'node', ['esbuild.config.mjs']);
count('build', built);

// The package as published: packed once from the fresh build, then linted (exports, types per resolution mode).
if (built) {
  rmSync(`${out}/pack`, { recursive: true, force: true });
  mkdirSync(`${out}/pack`, { recursive: true });
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', `${out}/pack`], { encoding: 'utf8' });
  const tarball = `${out}/pack/${packed.stdout.trim().split('\n').pop()}`;
  const packOk = packed.status === 0 && existsSync(tarball);
  count('npm pack', packOk);
  count('publint', packOk && run('publint', 'npx', ['publint', 'run', tarball, '--strict']));
  count('arethetypeswrong', packOk && run('arethetypeswrong', 'npx', ['attw', tarball, '--profile', 'esm-only']));
} else count('package checks (not run: build failed)', false);

/** A vitest run whose tests each count; `report` is where its JSON report goes. */
const vitest = (title, report, extra = []) => {
  rmSync(report, { force: true });
  const ok = run(title, 'npx', ['vitest', 'run', ...extra, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const result = readJson(report);
  if (!result) {
    count(`${title} suite (no report)`, false);
    return;
  }
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + result.numTodoTests;
  if (!ok && result.numFailedTests === 0) count(`${title} suite (a file failed to load)`, false);
};

vitest('unit', `${out}/vitest.json`);
// The tarball installed into an empty project: imported under Node, type-checked, its emulator bin started.
if (built) vitest('package', `${out}/package.json`, ['--config', 'vitest.package.config.ts']);

if (built) {
  rmSync(`${out}/playwright.json`, { force: true });
  const e2eOk = run('e2e', 'npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/playwright.json` });
  const e2e = readJson(`${out}/playwright.json`);
  if (e2e?.stats) {
    passed += e2e.stats.expected;
    failed += e2e.stats.unexpected + e2e.stats.flaky;
    skipped += e2e.stats.skipped;
    if (!e2eOk && e2e.stats.unexpected === 0) count('e2e suite (runner error)', false);
  } else count('e2e suite (no report)', false);
} else count('e2e (not run: build failed)', false);

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
