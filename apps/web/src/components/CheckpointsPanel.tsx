import { useCallback, useState } from 'react';
import type { CheckpointInfo } from '@riffle/shared';
import { useCheckpoints } from '../hooks/useCheckpoints';
import { inProgress } from '../lib/checkpoint-list';
import { formatTime } from '../lib/format';
import { LazyCheckpointsChart } from './lazy-charts';
import { CheckpointsRestoreDialog } from './CheckpointsRestoreDialog';
import { CheckpointsTable } from './CheckpointsTable';

interface Props {
  jobId: string;
  /** Checkpoints can be taken only while the job runs; restores work in any state. */
  running: boolean;
  /** Draw the duration/size chart (the job page has its own in the dashboards). Default true. */
  chart?: boolean;
}

const REASONS = { restore: 'restored', failure: 'recovered after a failure', 'server-restart': 'resumed after a server restart' } as const;

/**
 * The checkpoints panel of one job: history with retention, "Checkpoint now" and "Savepoint" with
 * progress, and "Restore" (after a confirmation) on any retained snapshot. Self-contained: it
 * follows the job on its own, so the builder and the job page can both mount it.
 */
export function CheckpointsPanel({ jobId, running, chart = true }: Props) {
  const cp = useCheckpoints(jobId);
  const [confirm, setConfirm] = useState<CheckpointInfo>();
  const current = inProgress(cp.list);
  const cancel = useCallback(() => setConfirm(undefined), []);
  const restore = async (parallelism: number | undefined) => {
    if (!confirm) return;
    await cp.restore(confirm, parallelism);
    setConfirm(undefined);
  };

  return (
    <section className="bottom-section checkpoints" aria-label="Checkpoints" data-testid="checkpoints-panel">
      <h2 className="panel-title">
        Checkpoints
        {current && (
          <span className="muted checkpoint-progress" data-testid="checkpoint-progress">
            {current.kind} {current.snapshotId ?? `#${current.id}`} in progress
            {current.total ? (
              <>
                {' · '}
                <progress max={current.total} value={current.acknowledged ?? 0} aria-label="subtasks acknowledged" />
                {` ${current.acknowledged ?? 0}/${current.total} subtasks acknowledged`}
              </>
            ) : (
              ''
            )}
          </span>
        )}
        <span className="checkpoints__actions">
          <button type="button" onClick={() => void cp.trigger('checkpoint')} disabled={!running || cp.busy || current !== undefined} data-testid="checkpoint-now">
            Checkpoint now
          </button>
          <button type="button" onClick={() => void cp.trigger('savepoint')} disabled={!running || cp.busy || current !== undefined} data-testid="savepoint-now">
            Savepoint
          </button>
        </span>
      </h2>
      {cp.error && (
        <div className="checkpoints__error" role="alert" data-testid="checkpoints-error">
          <span>{cp.error}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={cp.dismissError}>
            ×
          </button>
        </div>
      )}
      {cp.lastRestart && (
        <p className="muted checkpoints__restart" data-testid="checkpoints-restarted">
          {formatTime(cp.lastRestart.ts)}: {REASONS[cp.lastRestart.reason]}
          {cp.lastRestart.snapshotId ? ` from ${cp.lastRestart.snapshotId}` : ' from the beginning'}
          {cp.lastRestart.error && ` after: ${cp.lastRestart.error.message}`}
          {cp.lastRestart.skipped?.map((k) => (
            <span key={k.snapshotId} className="checkpoints__skipped">
              {' '}
              Passed over {k.snapshotId}: {k.error}
            </span>
          ))}
        </p>
      )}
      <div className="checkpoints__body">
        <CheckpointsTable list={cp.list} canRestore={!cp.busy} onRestore={setConfirm} />
        {chart && <LazyCheckpointsChart list={cp.list} />}
      </div>
      {confirm && (
        <CheckpointsRestoreDialog
          snapshot={confirm}
          busy={cp.busy}
          parallelism={cp.parallelism}
          maxParallelism={cp.maxParallelism}
          onCancel={cancel}
          onConfirm={(p) => void restore(p)}
        />
      )}
    </section>
  );
}
