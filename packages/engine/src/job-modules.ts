import type * as SinkKafka from './operators/sink-kafka.js';
import type * as SinkPostgres from './operators/sink-postgres.js';
import type * as SourceKafka from './operators/source-kafka.js';
import type * as DiskBackend from './state/disk-backend.js';

/**
 * Modules that bring in a client library (kafkajs, pg, classic-level) load when a job uses them,
 * not with the engine: each worker thread of a job imports the runtime afresh, and these three
 * libraries were ~100 ms of the ~240 ms of CPU a worker took to start (measured: 2 workers,
 * 480 ms of CPU before the first record). {@link loadJobModules} runs before a run builds its
 * operators (in-process and in every worker); the operator factories then find them loaded.
 */
interface JobModules {
  sourceKafka?: typeof SourceKafka;
  sinkKafka?: typeof SinkKafka;
  sinkPostgres?: typeof SinkPostgres;
  diskBackend?: typeof DiskBackend;
}

const modules: JobModules = {};

/** Loads the modules that the job's node kinds and state backend (`'disk'`) need. */
export async function loadJobModules(kinds: Iterable<string>, stateBackend: string | undefined): Promise<void> {
  const need = new Set(kinds);
  if (need.has('source.kafka')) modules.sourceKafka ??= await import('./operators/source-kafka.js');
  if (need.has('sink.kafka')) modules.sinkKafka ??= await import('./operators/sink-kafka.js');
  if (need.has('sink.postgres')) modules.sinkPostgres ??= await import('./operators/sink-postgres.js');
  if (stateBackend === 'disk') modules.diskBackend ??= await import('./state/disk-backend.js');
}

/** A module {@link loadJobModules} loaded; an engine bug (a run that skipped it) otherwise. */
export function jobModule<K extends keyof JobModules>(name: K): NonNullable<JobModules[K]> {
  const m = modules[name];
  if (m === undefined) throw new Error(`internal error: ${name} used before loadJobModules loaded it`);
  return m;
}
