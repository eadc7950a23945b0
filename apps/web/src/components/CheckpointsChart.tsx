import { useMemo } from 'react';
import type { CheckpointInfo } from '@riffle/shared';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBytes, formatMs } from '../lib/checkpoint-list';
import { formatTime } from '../lib/format';

interface Row {
  ts: number;
  durationMs: number;
  bytes: number;
}

/** Duration and size of the completed checkpoints over time (savepoints and failures left out). */
export function CheckpointsChart({ list }: { list: readonly CheckpointInfo[] }) {
  const rows = useMemo<Row[]>(
    () =>
      list
        .filter((c) => c.kind === 'checkpoint' && c.status === 'completed' && c.durationMs !== undefined)
        .map((c) => ({ ts: c.startedAt, durationMs: c.durationMs!, bytes: c.bytes }))
        .sort((a, b) => a.ts - b.ts),
    [list],
  );
  return (
    <div className="chart checkpoints__chart" data-testid="checkpoints-chart">
      {rows.length === 0 ? (
        <p className="muted empty">Duration and size of completed checkpoints appear here.</p>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#eef0f4" vertical={false} />
            <XAxis dataKey="ts" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={formatTime} fontSize={11} minTickGap={40} />
            <YAxis yAxisId="ms" tickFormatter={(v) => formatMs(Number(v))} fontSize={11} width={50} />
            <YAxis yAxisId="bytes" orientation="right" tickFormatter={(v) => formatBytes(Number(v))} fontSize={11} width={50} />
            <Tooltip labelFormatter={(v) => formatTime(Number(v))} formatter={(v, name) => (name === 'size' ? formatBytes(Number(v)) : formatMs(Number(v)))} />
            <Legend iconType="plainline" wrapperStyle={{ fontSize: 11 }} />
            <Line yAxisId="ms" name="duration" dataKey="durationMs" stroke="#2563eb" strokeWidth={1.75} dot={rows.length < 30} isAnimationActive={false} />
            <Line yAxisId="bytes" name="size" dataKey="bytes" stroke="#16a34a" strokeWidth={1.75} dot={rows.length < 30} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
