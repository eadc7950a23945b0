import { defineConfig } from 'vitest/config';

// Server tests start real servers, engines and child processes: vitest's 5 s default timed them
// out on a busy 2-core machine (CI runs the packages one after another, but not alone).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
