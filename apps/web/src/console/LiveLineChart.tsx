import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTime } from '../lib/format';
import { SERIES_COLORS } from './lib/chart-settings';
import { thin, type ChartData, type ChartRow } from './lib/series';

/** Points drawn per line at most (15 minutes at 1 Hz is 900 samples). */
const MAX_POINTS = 200;

interface Props {
  data: ChartData;
  format: (n: number) => string;
  /** Charts with the same id share their tooltip and cursor (same timestamps). */
  syncId?: string | undefined;
  /** Fit the Y axis to the data instead of starting at zero (timestamps, large offsets). */
  fitY?: boolean | undefined;
}

/**
 * A live time-series line chart filling its parent. Animation is off: with a new point every
 * second an animated line would always be mid-transition. Lines are linear, not monotone: recharts
 * 3 measures each line's path length (`getTotalLength`) on every render even without animation,
 * and on long Bézier paths that measuring was most of the page's CPU time.
 */
export function LiveLineChart({ data, format, syncId, fitY }: Props) {
  const rows = useMemo(() => thin(data.rows, MAX_POINTS), [data.rows]);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={rows} {...(syncId ? { syncId } : {})} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} />
        <XAxis dataKey="ts" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={formatTime} fontSize={11} minTickGap={40} />
        <YAxis tickFormatter={format} fontSize={11} width={64} {...(fitY ? { domain: ['dataMin', 'dataMax'] as const } : {})} />
        <Tooltip labelFormatter={(v) => formatTime(Number(v))} formatter={(v) => format(Number(v))} />
        <Legend iconType="plainline" wrapperStyle={{ fontSize: 11 }} />
        {data.series.map((s, i) => (
          <Line
            key={s.key}
            name={s.label}
            type="linear"
            dataKey={(r: ChartRow) => r.values[s.key] ?? null}
            stroke={SERIES_COLORS[i % SERIES_COLORS.length]}
            strokeWidth={1.6}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
