import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS dependency loaded on first use rather than when the engine is imported. Every worker
 * thread of a job imports the whole engine; kafkajs, pg and classic-level were ~180 ms of the
 * ~650 ms of CPU each worker spends starting (profiled), also for jobs that use none of them:
 * Nexmark q1 at p=2 spent about a quarter of its CPU starting its two workers.
 * @example
 * const level = lazyRequire<typeof import('classic-level')>('classic-level');
 * const db = new (level().ClassicLevel)(dir); // loaded here, once
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
