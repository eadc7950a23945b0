import { useState } from 'react';
import { stopJob } from '../api/jobs-api';
import { StatusPill } from '../components/StatusPill';
import { useEditor } from '../hooks/useEditor';
import { isActive } from '../store/job-slice';
import { ConsoleHeader } from './ConsoleHeader';
import { formatDuration } from './lib/format';
import { useConsole } from './useConsole';
import { useNow } from './useNow';

/**
 * The job page header: name, status, uptime, live/offline dot, Stop and Stop with savepoint (the
 * server stops the job only once the savepoint is durable; a failed one leaves it running).
 */
export function JobHeader({ jobId }: { jobId: string }) {
  const name = useEditor((s) => s.graph.name);
  const status = useEditor((s) => s.job.status);
  const error = useEditor((s) => s.job.error);
  const lastTs = useEditor((s) => s.job.history[s.job.history.length - 1]?.ts);
  const info = useConsole((s) => s.info);
  const link = useConsole((s) => s.connection.state);
  const now = useNow();
  const [stopError, setStopError] = useState<string>();
  const [savepoint, setSavepoint] = useState<{ state: 'taking' } | { state: 'taken'; id: string }>();
  const active = isActive(status);
  const stopWithSavepoint = () => {
    setStopError(undefined);
    setSavepoint({ state: 'taking' });
    stopJob(jobId, { savepoint: true }).then(
      (r) => setSavepoint(r?.savepoint?.snapshotId ? { state: 'taken', id: r.savepoint.snapshotId } : undefined),
      (e: Error) => {
        setSavepoint(undefined);
        setStopError(`could not stop with a savepoint: ${e.message}`);
      },
    );
  };
  const end = info?.endedAt ?? (active ? now : (lastTs ?? now));
  return (
    <ConsoleHeader>
      <h1 className="console-title" data-testid="job-page-name">
        {info ? name : '…'}
      </h1>
      <StatusPill status={status === 'created' && !info ? 'submitting' : status} />
      {info?.startedAt !== undefined && (
        <span className="muted" data-testid="job-uptime" title="uptime">
          up {formatDuration(end - info.startedAt)}
        </span>
      )}
      <span className="job-id mono">{jobId}</span>
      {info?.target === 'flink' && (
        <span className="muted" data-testid="job-page-target" title={info.flinkJobId ? `Flink job ${info.flinkJobId}` : 'runs on the Flink cluster'}>
          on Flink{info.flinkJobId ? ` · ${info.flinkJobId.slice(0, 8)}` : ''}
        </span>
      )}
      <span className={`link-dot link-${link}`} data-testid="link-state" title={`live updates: ${link}`}>
        {link === 'live' ? 'live' : link}
      </span>
      {(error ?? stopError) && <span className="job-error">{error ?? stopError}</span>}
      {savepoint && (
        <span className="muted" data-testid="job-page-savepoint" role="status">
          {savepoint.state === 'taking' ? 'taking a savepoint, then stopping…' : `stopped with savepoint ${savepoint.id}: restore it from the checkpoints below`}
        </span>
      )}
      <div className="spacer" />
      <button
        type="button"
        data-testid="job-page-stop-savepoint"
        title="Take a savepoint, then stop: the job can be restored from it later, also at another parallelism"
        disabled={!active || status === 'stopping' || savepoint?.state === 'taking'}
        onClick={stopWithSavepoint}
      >
        ■ Stop with savepoint
      </button>
      <button type="button" data-testid="job-page-stop" disabled={!active || status === 'stopping'} onClick={() => stopJob(jobId).catch((e: Error) => setStopError(`could not stop: ${e.message}`))}>
        ■ Stop
      </button>
    </ConsoleHeader>
  );
}
