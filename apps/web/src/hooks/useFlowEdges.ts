import { resolvePartitioning } from '@riffle/shared';
import { MarkerType, type Edge } from '@xyflow/react';
import { useMemo } from 'react';
import { edgeHandles } from '../store/flow-adapter';
import { useEditor } from './useEditor';

/** React Flow edges derived from the store, labelled with the distribution the planner will use. */
export function useFlowEdges(): Edge[] {
  const nodes = useEditor((s) => s.graph.nodes);
  const edges = useEditor((s) => s.graph.edges);
  const selected = useEditor((s) => s.selection.edges);
  const defaultParallelism = useEditor((s) => s.graph.config?.parallelism ?? 1);
  return useMemo(() => {
    const sel = new Set(selected);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const parallelismOf = (id: string) => byId.get(id)?.parallelism ?? defaultParallelism;
    return edges.map((e): Edge => {
      const from = byId.get(e.from);
      const label = from ? resolvePartitioning({ fromKind: from.kind, fromParallelism: parallelismOf(e.from), toParallelism: parallelismOf(e.to) }, e.partitioning) : undefined;
      return {
        id: e.id,
        source: e.from,
        target: e.to,
        ...edgeHandles(nodes, e),
        selected: sel.has(e.id),
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        ...(label ? { label, className: `edge-${label}` } : {}),
      };
    });
  }, [nodes, edges, selected, defaultParallelism]);
}
