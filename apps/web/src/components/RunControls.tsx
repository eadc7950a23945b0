import { runJob, stopJob } from '../api/run-job';
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
      <button type="button" className="primary-button" data-testid="run-button" disabled={reason !== undefined} title={reason ?? 'Run this pipeline on the engine'} onClick={() => void runJob(store)}>
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
