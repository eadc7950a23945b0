import type { FlinkRest } from './flink-rest.js';
import type { VertexSample } from './flink-metrics.js';

/** A vertex as `GET /jobs/:jid` lists it. */
export interface FlinkVertex {
  id: string;
  name: string;
  parallelism: number;
  status: string;
  metrics?: Record<string, number>;
}

/** Operator metrics Riffle asks for, by the last segment of their id. */
const WANTED = /\.(numRecordsIn|numRecordsOut|currentOutputWatermark|pendingRecords|currentOffset)$/;

/** A vertex's metric ids as last listed, and when. */
export type MetricIdCache = Map<string, { ids: string[]; at: number }>;

/**
 * The JobManager's REST API serves metrics from a store it refreshes every
 * `metrics.fetcher.update-interval` (10 s by default): operator metrics appear there only a while
 * after the tasks start, so the list of ids is read again this often.
 */
const RELIST_MS = 10_000;

/**
 * Reads what the dashboard shows about each vertex: its operator metrics (summed over subtasks,
 * watermarks as their minimum), its lowest input watermark and its back-pressure. The list of a
 * vertex's metric ids is kept in `metricIds` and read again every {@link RELIST_MS}. A vertex
 * whose reads fail is left out of this sample.
 */
export async function readVertexSamples(rest: FlinkRest, jid: string, vertices: readonly FlinkVertex[], metricIds: MetricIdCache): Promise<Map<string, VertexSample>> {
  const out = new Map<string, VertexSample>();
  await Promise.all(
    vertices.map(async (v) => {
      const base = `/jobs/${jid}/vertices/${v.id}`;
      try {
        const cached = metricIds.get(v.id);
        let ids = cached?.ids ?? [];
        if (!cached || Date.now() - cached.at >= RELIST_MS) {
          ids = (await rest.get<Array<{ id: string }>>(`${base}/subtasks/metrics`)).map((m) => m.id).filter((id) => WANTED.test(id));
          metricIds.set(v.id, { ids, at: Date.now() });
        }
        const [values, watermarks, pressure] = await Promise.all([
          ids.length === 0 ? [] : rest.get<Array<{ id: string; sum?: number; min?: number }>>(`${base}/subtasks/metrics?get=${ids.map(encodeURIComponent).join(',')}&agg=sum,min`),
          rest.get<Array<{ id: string; value: string }>>(`${base}/watermarks`).catch(() => []),
          rest.get<{ subtasks?: Array<{ ratio?: number; busyRatio?: number; idleRatio?: number }> }>(`${base}/backpressure`).catch(() => ({ subtasks: [] })),
        ]);
        const operatorMetrics: Record<string, number> = {};
        for (const m of values) {
          const value = m.id.endsWith('Watermark') ? m.min : m.sum;
          if (value !== undefined) operatorMetrics[m.id] = Number(value);
        }
        const inputs = watermarks.filter((w) => w.id.endsWith('.currentInputWatermark')).map((w) => Number(w.value));
        const subtasks = pressure.subtasks ?? [];
        const avg = (f: (s: (typeof subtasks)[number]) => number | undefined) => {
          const xs = subtasks.map(f).filter((x): x is number => typeof x === 'number');
          return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
        };
        const back = avg((s) => s.ratio);
        const busy = avg((s) => s.busyRatio);
        const idle = avg((s) => s.idleRatio);
        out.set(v.id, {
          id: v.id,
          parallelism: v.parallelism,
          readRecords: v.metrics?.['read-records'] ?? 0,
          writeRecords: v.metrics?.['write-records'] ?? 0,
          operatorMetrics,
          ...(inputs.length === 0 ? {} : { inputWatermark: Math.min(...inputs) }),
          ...(back === undefined ? {} : { backPressuredRatio: back }),
          ...(busy === undefined ? {} : { busyRatio: busy }),
          ...(idle === undefined ? {} : { idleRatio: idle }),
        });
      } catch {
        // A vertex that just finished or restarts: the next poll reads it again.
      }
    }),
  );
  return out;
}
