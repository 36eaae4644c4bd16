import { defineConfig } from 'vitest/config';

// The packed-package check (test/package.check.ts): `npm test` runs it as its own step after the unit suite, so
// its npm and tsc processes do not compete for the CPU with the unit tests' time budgets.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/package.check.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
