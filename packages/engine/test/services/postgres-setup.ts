import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../../../scripts/postgres/postgres.mjs';
import './provided.js';

/**
 * vitest global setup of the `postgres` integration project: one throw-away PostgreSQL server.
 * A server that cannot start throws here, which fails the run (in CI and locally): never a skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg = await startPostgres();
  project.provide('postgresUrl', pg.connectionString);
  return () => pg.stop();
}
