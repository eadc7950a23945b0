import type { TestProject } from 'vitest/node';
import { startKafka } from '../../../../scripts/kafka/broker.mjs';
import './provided.js';

/**
 * vitest global setup of the `kafka` integration project: one real KRaft broker for all its suites.
 * A broker that cannot start throws here, which fails the run (in CI and locally): never a skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kafka = await startKafka();
  project.provide('kafkaBrokers', kafka.brokers);
  return () => kafka.stop();
}
