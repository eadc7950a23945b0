import { MarkerType, type Edge } from '@xyflow/react';
import { useMemo } from 'react';
import { edgeHandles } from '../store/flow-adapter';
import { useEditor } from './useEditor';

/** React Flow edges derived from the store, labelled with their (explicit or implied) distribution. */
export function useFlowEdges(): Edge[] {
  const nodes = useEditor((s) => s.graph.nodes);
  const edges = useEditor((s) => s.graph.edges);
  const selected = useEditor((s) => s.selection.edges);
  return useMemo(() => {
    const sel = new Set(selected);
    const kindOf = new Map(nodes.map((n) => [n.id, n.kind]));
    return edges.map((e): Edge => {
      const label = e.partitioning ?? (kindOf.get(e.from) === 'keyBy' ? 'hash' : undefined);
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
  }, [nodes, edges, selected]);
}
