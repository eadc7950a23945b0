import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useEditor } from '../hooks/useEditor';
import { formatTime } from '../lib/format';
import { formatRate, throughputSeries, type ThroughputRow } from '../lib/metrics';

const COLORS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#db2777', '#65a30d', '#475569'];

/** Records/s per operator over the last 15 minutes (sources/transforms: out, sinks: in). */
export function ThroughputChart() {
  const history = useEditor((s) => s.job.history);
  const { rows, nodeIds } = useMemo(() => throughputSeries(history), [history]);
  return (
    <section className="bottom-section throughput" aria-label="Throughput">
      <h2 className="panel-title">Throughput <span className="muted">records/s</span></h2>
      <div className="chart" data-testid="throughput-chart">
        {rows.length === 0 ? (
          <p className="muted empty">Run the pipeline to see records/s per operator.</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#eef0f4" vertical={false} />
              <XAxis dataKey="ts" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={formatTime} fontSize={11} minTickGap={40} />
              <YAxis tickFormatter={formatRate} fontSize={11} width={44} />
              <Tooltip labelFormatter={(v) => formatTime(Number(v))} formatter={(v) => formatRate(Number(v))} />
              <Legend iconType="plainline" wrapperStyle={{ fontSize: 11 }} />
              {nodeIds.map((id, i) => (
                <Line
                  key={id}
                  name={id}
                  type="monotone"
                  dataKey={(r: ThroughputRow) => r.rates[id] ?? null}
                  stroke={COLORS[i % COLORS.length]}
                  strokeWidth={1.75}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </section>
  );
}
