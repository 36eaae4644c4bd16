// @vitest-environment node
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const source = readFileSync('src/page/stub.js', 'utf8');
const minified = () => transformSync(source, { minify: true, target: 'es5', legalComments: 'none' }).code;

describe('the pre-load stub', () => {
  it('is written in ES5: no ES2015+ syntax a GTM Custom HTML tag would reject', () => {
    const code = source.replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/=>|`|\blet\b|\bconst\b|\bclass\b|\.\.\.|\bof\b/);
    expect(minified()).not.toMatch(/=>|`|\blet\b|\bconst\b/);
  });

  it('is printed in the README exactly as built', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(`<script>${minified().trim()}</script>`);
  });
});
