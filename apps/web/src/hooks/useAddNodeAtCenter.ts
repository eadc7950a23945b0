import { useStoreApi } from '@xyflow/react';
import { useCallback } from 'react';
import { NODE_HEIGHT, NODE_WIDTH } from '../lib/layout';
import { useEditorStore } from './useEditorStore';

/** Adds an operator in the middle of the visible canvas (palette double-click). */
export function useAddNodeAtCenter(): (kind: string) => void {
  const store = useEditorStore();
  const flow = useStoreApi();
  return useCallback(
    (kind: string) => {
      const { width, height, transform } = flow.getState();
      const [tx, ty, zoom] = transform;
      const x = (width / 2 - tx) / zoom - NODE_WIDTH / 2;
      const y = (height / 2 - ty) / zoom - NODE_HEIGHT / 2;
      store.getState().addNode(kind, width > 0 ? { x, y } : undefined);
    },
    [store, flow],
  );
}
