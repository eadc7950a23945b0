import { defineConfig } from 'vitest/config';

// Server tests start real servers and run real jobs (some read their input at a few records a
// second): vitest's 5 s default fails them on a loaded machine. Waits inside tests still have
// their own, tighter conditions.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
