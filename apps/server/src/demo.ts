import { demoSpec, TERMINAL_STATUSES, validateSpec } from '@riffle/shared';
import type { JobManager } from './job-manager.js';
import type { Logger } from './logger.js';

/** Submits the demo pipeline unless a job of that name is already live (e.g. resumed). */
export async function ensureDemoJob(jobs: JobManager, log: Logger): Promise<void> {
  const input = demoSpec();
  const live = jobs.list().find((j) => j.name === input.name && !TERMINAL_STATUSES.has(j.status));
  if (live) {
    log.info({ jobId: live.id }, 'the demo job is already running');
    return;
  }
  const v = validateSpec(input);
  if (!v.ok || !v.spec) {
    log.error({ errors: v.errors }, 'the demo spec does not validate; not starting it');
    return;
  }
  const { id, failure } = await jobs.submit(v.spec);
  if (failure) log.error({ jobId: id, err: failure.error, problems: failure.problems }, 'the demo job could not start');
  else log.info({ jobId: id }, 'started the demo job');
}
