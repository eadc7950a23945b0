import type { RunStatus } from '../store/job-slice';

/** The job's lifecycle state; its text is exactly the status word. */
export function StatusPill({ status }: { status: RunStatus }) {
  return (
    <span className={`status-pill status-${status}`} data-testid="job-status" aria-live="polite">
      {status}
    </span>
  );
}
