import { useState } from 'react';
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
  const [target, setTarget] = useState<JobTarget>('embedded');
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
      {targets.includes('flink') && (
        // Offered only when the server has a Flink cluster; otherwise every job runs embedded.
        <select data-testid="run-target" aria-label="Where to run" value={target} disabled={active} title="Where the job runs" onChange={(e) => setTarget(e.target.value as JobTarget)}>
          <option value="embedded">Embedded</option>
          <option value="flink">Flink</option>
        </select>
      )}
      <button
        type="button"
        className="primary-button"
        data-testid="run-button"
        disabled={reason !== undefined}
        title={reason ?? (target === 'flink' ? 'Run this pipeline on the Flink cluster' : 'Run this pipeline on the engine')}
        onClick={() => void runJob(store, targets.includes('flink') ? target : undefined)}
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
