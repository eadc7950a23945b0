import { defineConfig } from 'vitest/config';

// Integration suites against real services (`npm run test:integration`; `npm test` runs them after
// the unit suites). Each project's global setup starts only the service its suites need, so
// `--project postgres` starts no broker. Files: `src/connectors/<service>/**/*.integration.test.ts`.
// A service that cannot start fails the run; these suites are never skipped.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'kafka',
          include: ['src/connectors/kafka/**/*.integration.test.ts'],
          globalSetup: ['./test/services/kafka-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['src/connectors/postgres/**/*.integration.test.ts'],
          globalSetup: ['./test/services/postgres-setup.ts'],
        },
      },
    ],
  },
});
