import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { NODE_HEIGHT, NODE_WIDTH } from '../lib/layout';
import { useEditorStore } from './useEditorStore';

/** Selects a node and centres the view on it (keeping the zoom unless it is too far out). */
export function useFocusNode(): (nodeId: string) => boolean {
  const store = useEditorStore();
  const { setCenter, getZoom } = useReactFlow();
  return useCallback(
    (nodeId: string) => {
      const s = store.getState();
      const node = s.graph.nodes.find((n) => n.id === nodeId);
      if (!node) return false;
      s.setSelection({ nodes: [nodeId], edges: [] });
      const size = s.measured[nodeId] ?? { width: NODE_WIDTH, height: NODE_HEIGHT };
      void setCenter(node.position.x + size.width / 2, node.position.y + size.height / 2, { zoom: Math.max(getZoom(), 0.8), duration: 300 });
      return true;
    },
    [store, setCenter, getZoom],
  );
}
