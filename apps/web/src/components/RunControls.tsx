import type { JobTarget } from '@riffle/shared';
import { runJob, stopJob } from '../api/run-job';
import { useCapabilities } from '../hooks/useCapabilities';
import { useEditor } from '../hooks/useEditor';
import { useEditorStore } from '../hooks/useEditorStore';
import { useValidation } from '../hooks/useValidation';
import { isActive } from '../store/job-slice';
import { StatusPill } from './StatusPill';

/** Run / Stop and the job's status; Run explains why it is disabled. */
export function RunControls() {
  const store = useEditorStore();
  const { ok, errors } = useValidation();
  const status = useEditor((s) => s.job.status);
  const jobId = useEditor((s) => s.job.id);
  const error = useEditor((s) => s.job.error);
  const active = isActive(status);
  const { targets } = useCapabilities();
  // Saved with the pipeline (`config.target`), so a reload or a reopened pipeline keeps it.
  const target = useEditor((s) => s.graph.config?.target ?? 'embedded');
  const setTarget = useEditor((s) => s.setTarget);
  const reason = !ok
    ? `Fix ${errors.length} problem${errors.length === 1 ? '' : 's'} to run`
    : status === 'submitting'
      ? 'Starting…'
      : active
        ? 'A job is running; stop it first'
        : undefined;
  return (
    <div className="run-controls">
      {reason && (
        <span className="run-reason" data-testid="run-disabled-reason" title={reason}>
          {reason}
        </span>
      )}
      {(targets.includes('flink') || target === 'flink') && (
        // Offered when the server has a Flink cluster, or the pipeline was saved for one (so it can
        // be switched back); otherwise every job runs embedded.
        <select data-testid="run-target" aria-label="Where to run" value={target} disabled={active} title="Where the job runs" onChange={(e) => setTarget(e.target.value as JobTarget)}>
          <option value="embedded">Embedded</option>
          <option value="flink" disabled={!targets.includes('flink')} title={targets.includes('flink') ? undefined : 'This server has no Flink cluster (FLINK_REST_URL)'}>
            Flink
          </option>
        </select>
      )}
      <button
        type="button"
        className="primary-button"
        data-testid="run-button"
        disabled={reason !== undefined}
        title={reason ?? (target === 'flink' ? 'Run this pipeline on the Flink cluster' : 'Run this pipeline on the engine')}
        onClick={() => void runJob(store)}
      >
        ▶ Run
      </button>
      <button type="button" data-testid="stop-button" disabled={!jobId || !active || status === 'stopping'} title="Stop the running job" onClick={() => void stopJob(store)}>
        ■ Stop
      </button>
      <StatusPill status={status} />
      {jobId && (
        <span className="job-id mono" title="job id">
          {jobId}
        </span>
      )}
      {error && (
        <span className="job-error" data-testid="job-error" title={error}>
          {error}
        </span>
      )}
    </div>
  );
}
