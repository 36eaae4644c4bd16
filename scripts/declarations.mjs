// tsc writes the relative imports of the .d.ts files as the source spells them (`./client/client`), which
// Node's ESM resolution (TypeScript's node16/nodenext) cannot follow: give each one its file's `.js` name.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const RELATIVE = /(from\s+|import\s*\(\s*)'(\.{1,2}\/[^']*)'/g;

function declarationsBelow(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return declarationsBelow(file);
    return name.endsWith('.d.ts') ? [file] : [];
  });
}

function withExtension(fromFile, specifier) {
  if (specifier.endsWith('.js')) return specifier;
  const target = path.resolve(path.dirname(fromFile), specifier);
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
  if (existsSync(path.join(target, 'index.d.ts'))) return `${specifier}/index.js`;
  throw new Error(`${fromFile}: no declaration for '${specifier}'`);
}

export function pointDeclarationsAtFiles(dir) {
  for (const file of declarationsBelow(dir)) {
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(RELATIVE, (_, lead, specifier) => `${lead}'${withExtension(file, specifier)}'`);
    if (fixed !== text) writeFileSync(file, fixed);
  }
}
