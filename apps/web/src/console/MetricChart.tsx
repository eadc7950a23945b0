import { memo } from 'react';
import type { ChartData } from './lib/series';
import { LazyLiveLineChart } from '../components/lazy-charts';
import { useInView } from './useInView';

interface Props {
  title: string;
  unit?: string;
  data: ChartData;
  format: (n: number) => string;
  testId: string;
  /** Charts with the same id share their tooltip and cursor (same timestamps). */
  syncId?: string;
  /** What an empty chart says instead. */
  empty: string;
  fitY?: boolean;
}

/** One dashboard card: a titled live chart, or what is missing. `data-points` is how many samples it holds. */
function MetricChartView({ title, unit, data, format, testId, syncId, empty, fitY }: Props) {
  const [ref, inView] = useInView<HTMLElement>();
  return (
    <section ref={ref} className="metric-card" data-testid={testId} data-points={data.rows.length} aria-label={title}>
      <h3 className="panel-title">
        {title} {unit && <span className="muted">{unit}</span>}
      </h3>
      <div className="chart metric-chart">
        {data.series.length === 0 || data.rows.length === 0 ? <p className="muted empty">{empty}</p> : inView && <LazyLiveLineChart data={data} format={format} syncId={syncId} fitY={fitY} />}
      </div>
    </section>
  );
}

/** Memoized: a render that brings no new data (e.g. the urgent pass before a deferred one) skips the chart. */
export const MetricChart = memo(MetricChartView);
