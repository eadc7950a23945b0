import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The CLI test runs bin/riffle.js, which loads dist/: build it once before the suite.
    globalSetup: ['./test/build-dist.ts'],
    testTimeout: 15_000,
    // Suites against real Kafka/PostgreSQL run from vitest.integration.config.ts.
    exclude: [...configDefaults.exclude, '**/*.integration.test.ts'],
    // Files run one at a time: the threaded-runtime tests start worker threads that would take
    // the CPU from the event-loop-lag test of the in-process runtime on a 2-core machine.
    fileParallelism: false,
  },
});
