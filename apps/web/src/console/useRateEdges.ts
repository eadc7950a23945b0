import type { Edge } from '@xyflow/react';
import { useMemo } from 'react';
import { useEditor } from '../hooks/useEditor';
import { useFlowEdges } from '../hooks/useFlowEdges';
import { formatRate } from '../lib/metrics';

/**
 * The canvas edges, each labelled with its distribution and the records/s flowing on it: what its
 * source emits on its main output. A side output (a window's `late` port) has no rate of its own
 * in the metrics, so it keeps the plain label.
 */
export function useRateEdges(): Edge[] {
  const edges = useFlowEdges();
  const graphEdges = useEditor((s) => s.graph.edges);
  const last = useEditor((s) => s.job.history[s.job.history.length - 1]);
  return useMemo(() => {
    if (!last) return edges;
    const rates = new Map(last.operators.map((o) => [o.nodeId, o.recordsOutPerSec]));
    const sidePort = new Set(graphEdges.filter((e) => e.fromPort !== undefined && e.fromPort !== 'out').map((e) => e.id));
    return edges.map((e) => {
      const rate = rates.get(e.source);
      if (rate === undefined || sidePort.has(e.id)) return e;
      return { ...e, label: `${e.label ? `${String(e.label)} · ` : ''}${formatRate(rate)}/s`, animated: rate > 0 };
    });
  }, [edges, graphEdges, last]);
}
