import { useMemo } from 'react';
import { useEditor } from '../hooks/useEditor';
import { formatBytes, formatCount } from '../hooks/useNodeState';
import { formatTime } from '../lib/format';
import { formatRate } from '../lib/metrics';
import { CheckpointCharts } from './CheckpointCharts';
import { formatDuration } from './lib/format';
import { chartData, lateAndDead, partitionLag, recordsInPerSec, recordsOutPerSec, stateBytes, watermark, watermarkLagSec } from './lib/series';
import { MetricChart } from './MetricChart';
import { REDRAW_MS } from './lib/chart-settings';
import { useConsole } from './useConsole';
import { useThrottled } from './useThrottled';

const lag = (sec: number) => formatDuration(sec * 1000);

/** The job's dashboards over the metrics history (the server's last 15 minutes, then live). */
export function Dashboards({ jobId }: { jobId: string }) {
  const history = useThrottled(useEditor((s) => s.job.history), REDRAW_MS);
  // The Flink poller reads no state sizes and counts no late, dead-lettered or skipped records:
  // "none" would mislead.
  const onFlink = useConsole((s) => s.info?.target === 'flink');
  const charts = useMemo(
    () => ({
      out: chartData(history, recordsOutPerSec),
      in: chartData(history, recordsInPerSec),
      lag: chartData(history, partitionLag),
      wm: chartData(history, watermark),
      wmLag: chartData(history, watermarkLagSec),
      state: chartData(history, stateBytes),
      bad: chartData(history, lateAndDead, { dropAllZero: true }),
    }),
    [history],
  );
  const sync = `job-${jobId}`;
  return (
    <div className="dash-grid" data-testid="dashboards">
      <MetricChart title="Records out" unit="records/s per operator" data={charts.out} format={formatRate} testId="chart-records-out" syncId={sync} empty="Waiting for the first sample…" />
      <MetricChart title="Records in" unit="records/s per operator" data={charts.in} format={formatRate} testId="chart-records-in" syncId={sync} empty="Waiting for the first sample…" />
      <MetricChart title="Consumer lag" unit="records behind, per partition" data={charts.lag} format={formatCount} testId="chart-consumer-lag" syncId={sync} empty="No log (Kafka) source in this job." />
      <MetricChart title="Event-time watermark" unit="per operator" data={charts.wm} format={formatTime} testId="chart-watermark" syncId={sync} fitY empty="No watermarks yet (processing time, or no records)." />
      <MetricChart title="Watermark lag" unit="behind the wall clock" data={charts.wmLag} format={lag} testId="chart-watermark-lag" syncId={sync} empty="No watermarks yet." />
      <MetricChart title="State size" unit="approx. bytes per keyed operator" data={charts.state} format={formatBytes} testId="chart-state" syncId={sync} empty={onFlink ? 'Not reported for a job on Flink.' : 'No keyed state in this job.'} />
      <MetricChart title="Late, dead-lettered and skipped" unit="records so far" data={charts.bad} format={formatCount} testId="chart-late-dead" syncId={sync} empty={onFlink ? 'Not counted for a job on Flink.' : 'No late, dead-lettered or skipped records so far.'} />
      <CheckpointCharts />
    </div>
  );
}
