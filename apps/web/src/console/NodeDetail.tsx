import { getOperator } from '@riffle/shared';
import { useMemo } from 'react';
import { useEditor } from '../hooks/useEditor';
import { formatBytes, formatCount } from '../hooks/useNodeState';
import { formatTime } from '../lib/format';
import { formatRate } from '../lib/metrics';
import { chartData, nodeLoad, nodeThroughput, ofNode, stateBytes } from './lib/series';
import { MetricChart } from './MetricChart';
import { NodeSample } from './NodeSample';
import { isActive } from '../store/job-slice';
import { REDRAW_MS } from './lib/chart-settings';
import { useThrottled } from './useThrottled';
import { SubtasksTable } from './SubtasksTable';
import { useConsole } from './useConsole';
import { useConsoleStore } from './useConsoleStore';

const pct = (n: number) => `${n}%`;

/** The inspected node: its totals, its subtasks, its own charts and a live sample of its output. */
export function NodeDetail({ nodeId, jobId }: { nodeId: string; jobId: string }) {
  const consoleStore = useConsoleStore();
  const history = useThrottled(useEditor((s) => s.job.history), REDRAW_MS);
  const running = useEditor((s) => isActive(s.job.status));
  const kind = useEditor((s) => s.graph.nodes.find((n) => n.id === nodeId)?.kind ?? '');
  const onFlink = useConsole((s) => s.info?.target === 'flink');
  const op = history[history.length - 1]?.operators.find((o) => o.nodeId === nodeId);
  const charts = useMemo(
    () => ({
      rate: chartData(history, ofNode(nodeId, nodeThroughput)),
      load: chartData(history, ofNode(nodeId, nodeLoad)),
      state: chartData(history, ofNode(nodeId, stateBytes)),
    }),
    [history, nodeId],
  );
  const sync = `job-${jobId}`;
  return (
    <aside className="node-detail" data-testid="node-detail" aria-label={`Node ${nodeId}`}>
      <div className="node-detail__head">
        <h2>{nodeId}</h2>
        <span className="muted">{getOperator(op?.kind ?? '')?.label ?? op?.kind}</span>
        <div className="spacer" />
        <button type="button" onClick={() => consoleStore.getState().inspect(undefined)} aria-label="Close node detail">
          ✕
        </button>
      </div>
      {op ? (
        <dl className="node-detail__facts">
          <dt>parallelism</dt>
          <dd>{op.parallelism}</dd>
          <dt>records in / out</dt>
          <dd>
            {formatCount(op.recordsIn)} / {formatCount(op.recordsOut)}
          </dd>
          <dt>rate in / out</dt>
          <dd>
            {formatRate(op.recordsInPerSec)} / {formatRate(op.recordsOutPerSec)} rec/s
          </dd>
          <dt>watermark</dt>
          <dd>{op.watermark === null ? '—' : formatTime(op.watermark)}</dd>
          {onFlink ? (
            // The Flink poller does not count these; zeros would read as "none".
            <>
              <dt>late / dead / skipped</dt>
              <dd data-testid="node-detail-uncounted">not counted on Flink</dd>
            </>
          ) : (
            <>
              <dt>late dropped</dt>
              <dd>{op.lateRecordsDropped}</dd>
              <dt>dead-lettered</dt>
              <dd data-testid="node-detail-dead">{op.deadLettered}</dd>
              <dt title="records dropped and counted by the node's onError: skip policy">skipped</dt>
              <dd data-testid="node-detail-skipped">{op.skippedRecords ?? 0}</dd>
            </>
          )}
          {op.stateKeys !== undefined && (
            <>
              <dt>state</dt>
              <dd>
                {formatCount(op.stateKeys)} keys · {formatBytes(op.stateBytes ?? 0)}
              </dd>
            </>
          )}
        </dl>
      ) : (
        <p className="muted">No metrics for this node yet.</p>
      )}
      <NodeSample jobId={jobId} nodeId={nodeId} kind={kind} running={running} onFlink={onFlink} />
      <h3 className="panel-title">Subtasks</h3>
      <SubtasksTable subtasks={op?.subtasks} onFlink={onFlink} />
      <div className="node-detail__charts">
        <MetricChart title="Throughput" unit="records/s" data={charts.rate} format={formatRate} testId="node-chart-throughput" syncId={sync} empty="No samples yet." />
        <MetricChart title="Load" unit="% of each second" data={charts.load} format={pct} testId="node-chart-load" syncId={sync} empty="This runtime reports no load ratios." />
        {op?.stateKeys !== undefined && <MetricChart title="State size" data={charts.state} format={formatBytes} testId="node-chart-state" syncId={sync} empty="No state yet." />}
      </div>
    </aside>
  );
}
