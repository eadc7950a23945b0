import type { SubtaskMetrics } from '@riffle/shared';
import { formatBytes, formatCount } from '../hooks/useNodeState';

const pct = (r: number) => `${Math.round(r * 100)}%`;

/** One row per parallel subtask: records, where its time goes, its queues and its state. */
export function SubtasksTable({ subtasks, onFlink = false }: { subtasks: readonly SubtaskMetrics[] | undefined; onFlink?: boolean }) {
  // The Flink poller reads whole vertices, not their subtasks: Flink's own web UI has those.
  if (onFlink && !subtasks?.length)
    return (
      <p className="muted small" data-testid="subtasks-note">
        No per-subtask figures for a job on Flink: Flink&apos;s web UI shows its subtasks.
      </p>
    );
  if (!subtasks || subtasks.length === 0)
    return <p className="muted small">No per-subtask figures: this job runs in a single thread (parallelism 1). Jobs with parallelism above 1 run on worker threads and report each subtask.</p>;
  const keyed = subtasks.some((s) => s.stateKeys !== undefined);
  return (
    <div className="table-scroll">
    <table className="console-table compact" data-testid="subtasks-table">
      <thead>
        <tr>
          <th>#</th>
          <th>worker</th>
          <th className="num">in</th>
          <th className="num">out</th>
          <th className="num" title="share of the last second spent working">busy</th>
          <th className="num" title="share of the last second spent waiting for downstream credit">bp</th>
          <th className="num">idle</th>
          <th className="num" title="batches received, not yet processed">in q</th>
          <th className="num" title="sealed batches waiting for credit">out q</th>
          <th className="num" title="records in output channels">buffered</th>
          {keyed && <th className="num">keys</th>}
          {keyed && <th className="num">state</th>}
        </tr>
      </thead>
      <tbody>
        {subtasks.map((s) => (
          <tr key={s.subtask} className={s.backPressuredRatio >= 0.5 ? 'is-backpressured' : ''}>
            <td>{s.subtask}</td>
            <td>{s.worker}</td>
            <td className="num">{formatCount(s.recordsIn)}</td>
            <td className="num">{formatCount(s.recordsOut)}</td>
            <td className="num">{pct(s.busyRatio)}</td>
            <td className="num">{pct(s.backPressuredRatio)}</td>
            <td className="num">{pct(s.idleRatio)}</td>
            <td className="num">{s.inputQueue}</td>
            <td className="num">{s.outputQueue}</td>
            <td className="num">{s.bufferedRecords}</td>
            {keyed && <td className="num">{s.stateKeys === undefined ? '' : formatCount(s.stateKeys)}</td>}
            {keyed && <td className="num">{s.stateBytes === undefined ? '' : formatBytes(s.stateBytes)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}
