import { lazy, Suspense, type ComponentProps } from 'react';

/*
 * recharts is most of the bundle: the charts load in their own chunk on first use, so the builder's
 * first paint does not wait for it (a page with no job to chart never loads it).
 */
const LiveLineChartChunk = lazy(() => import('../console/LiveLineChart').then((m) => ({ default: m.LiveLineChart })));
const CheckpointsChartChunk = lazy(() => import('./CheckpointsChart').then((m) => ({ default: m.CheckpointsChart })));

const loading = <p className="muted empty">Loading the chart…</p>;

/** {@link import('../console/LiveLineChart').LiveLineChart}, loaded on first render. */
export function LazyLiveLineChart(props: ComponentProps<typeof LiveLineChartChunk>) {
  return (
    <Suspense fallback={loading}>
      <LiveLineChartChunk {...props} />
    </Suspense>
  );
}

/** {@link import('./CheckpointsChart').CheckpointsChart}, loaded on first render. */
export function LazyCheckpointsChart(props: ComponentProps<typeof CheckpointsChartChunk>) {
  return (
    <Suspense fallback={loading}>
      <CheckpointsChartChunk {...props} />
    </Suspense>
  );
}
