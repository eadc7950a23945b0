import { useMemo } from 'react';
import { formatBytes } from '../hooks/useNodeState';
import { formatMs } from './lib/format';
import { checkpointData } from './lib/series';
import { MetricChart } from './MetricChart';
import { REDRAW_MS } from './lib/chart-settings';
import { useConsole } from './useConsole';
import { useThrottled } from './useThrottled';

/** Duration and size per finished checkpoint (their own time axis: one point per checkpoint). */
export function CheckpointCharts() {
  const checkpoints = useThrottled(useConsole((s) => s.checkpoints), REDRAW_MS);
  const known = useConsole((s) => s.checkpointsKnown);
  const { duration, size } = useMemo(() => checkpointData(checkpoints), [checkpoints]);
  const empty = known ? 'No finished checkpoint yet (enable checkpoints in the pipeline settings).' : 'This server does not report checkpoints.';
  return (
    <>
      <MetricChart title="Checkpoint duration" unit="trigger → durable" data={duration} format={formatMs} testId="chart-checkpoint-duration" syncId="checkpoints" empty={empty} />
      <MetricChart title="Checkpoint size" unit="state + metadata" data={size} format={formatBytes} testId="chart-checkpoint-size" syncId="checkpoints" empty={empty} />
    </>
  );
}
