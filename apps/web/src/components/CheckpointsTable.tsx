import type { CheckpointInfo } from '@riffle/shared';
import { checkpointKey, formatBytes, formatMs } from '../lib/checkpoint-list';
import { formatTime } from '../lib/format';

interface Props {
  list: readonly CheckpointInfo[];
  /** Restore buttons are off while an action runs or the job cannot be restored. */
  canRestore: boolean;
  onRestore(c: CheckpointInfo): void;
}

function statusText(c: CheckpointInfo): string {
  if (c.status === 'in_progress') return c.total ? `in progress ${c.acknowledged ?? 0}/${c.total}` : 'in progress';
  return c.status;
}

/** Rows of history shown besides the retained ones: a long-running job has hundreds, each re-rendered per event. */
const RECENT = 20;

/** History of a job's checkpoints and savepoints, newest first; retained ones can be restored. */
export function CheckpointsTable({ list: all, canRestore, onRestore }: Props) {
  const list = all.filter((c, i) => i < RECENT || c.retained);
  const hidden = all.length - list.length;
  if (list.length === 0) return <p className="muted empty">No checkpoints yet. They appear here as the job takes them, or when you press Checkpoint now.</p>;
  return (
    <div className="table-wrap">
      <table className="preview-table checkpoints-table" data-testid="checkpoints-table">
        <thead>
          <tr>
            <th>id</th>
            <th>time</th>
            <th>status</th>
            <th>duration</th>
            <th>size</th>
            <th>alignment</th>
            <th>retained</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((c) => (
            <tr key={checkpointKey(c)} data-testid="checkpoint-row" data-snapshot={c.snapshotId ?? ''} data-status={c.status}>
              <td className="mono">
                {c.snapshotId ?? `#${c.id}`}
                {c.kind === 'savepoint' && <span className="tag checkpoint-kind">savepoint</span>}
              </td>
              <td>{formatTime(c.startedAt)}</td>
              <td className={`checkpoint-status checkpoint-status--${c.status}`} title={c.error}>
                {statusText(c)}
                {c.error && <span className="muted"> · {c.error}</span>}
              </td>
              <td>{formatMs(c.durationMs)}</td>
              <td title={c.operators?.map((o) => `${o.nodeId}: ${formatBytes(o.bytes)}`).join('\n')}>{c.status === 'completed' ? formatBytes(c.bytes) : ''}</td>
              <td>{formatMs(c.alignmentMs)}</td>
              <td>{c.retained ? 'yes' : ''}</td>
              <td>
                {c.retained && c.status === 'completed' && (
                  <button type="button" className="link-button" disabled={!canRestore} onClick={() => onRestore(c)} data-testid="checkpoint-restore">
                    Restore
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {hidden > 0 && <p className="muted small">{hidden} older checkpoints not shown (no longer on disk).</p>}
    </div>
  );
}
