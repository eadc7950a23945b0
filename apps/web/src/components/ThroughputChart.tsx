import { useMemo } from 'react';
import { LazyLiveLineChart } from './lazy-charts';
import { chartData, operatorRate } from '../console/lib/series';
import { useEditor } from '../hooks/useEditor';
import { formatRate } from '../lib/metrics';

/** Records/s per operator over the last 15 minutes (sources/transforms: out, sinks: in). */
export function ThroughputChart() {
  const history = useEditor((s) => s.job.history);
  const data = useMemo(() => chartData(history, operatorRate), [history]);
  return (
    <section className="bottom-section throughput" aria-label="Throughput">
      <h2 className="panel-title">Throughput <span className="muted">records/s</span></h2>
      <div className="chart" data-testid="throughput-chart">
        {data.rows.length === 0 ? <p className="muted empty">Run the pipeline to see records/s per operator.</p> : <LazyLiveLineChart data={data} format={formatRate} />}
      </div>
    </section>
  );
}
