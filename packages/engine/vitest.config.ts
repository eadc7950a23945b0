import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The CLI test runs bin/riffle.js, which loads dist/: build it once before the suite.
    globalSetup: ['./test/build-dist.ts'],
    testTimeout: 15_000,
  },
});
