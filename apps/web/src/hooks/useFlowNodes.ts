import type { Node } from '@xyflow/react';
import { useMemo, useRef } from 'react';
import type { EditorNode } from '../store/graph-types';
import { useEditor } from './useEditor';

export type OperatorNodeData = { node: EditorNode };
export type OperatorFlowNode = Node<OperatorNodeData, 'operator'>;

/**
 * React Flow nodes derived from the store. Unchanged nodes keep their object identity, which is
 * how React Flow knows it does not have to re-measure or re-render them.
 */
export function useFlowNodes(): OperatorFlowNode[] {
  const nodes = useEditor((s) => s.graph.nodes);
  const selected = useEditor((s) => s.selection.nodes);
  const measured = useEditor((s) => s.measured);
  const cache = useRef(new Map<string, OperatorFlowNode>());
  return useMemo(() => {
    const sel = new Set(selected);
    const next = new Map<string, OperatorFlowNode>();
    const out = nodes.map((n) => {
      const prev = cache.current.get(n.id);
      const size = measured[n.id];
      const isSelected = sel.has(n.id);
      const flow =
        prev && prev.data.node === n && prev.selected === isSelected && prev.measured === size
          ? prev
          : { id: n.id, type: 'operator' as const, position: n.position, data: { node: n }, selected: isSelected, ...(size ? { measured: size } : {}) };
      next.set(n.id, flow);
      return flow;
    });
    cache.current = next;
    return out;
  }, [nodes, selected, measured]);
}
