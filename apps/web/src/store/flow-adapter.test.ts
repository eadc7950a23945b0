import { describe, expect, it } from 'vitest';
import { createEditorStore } from './editor-store';
import { applyFlowEdgeChanges, applyFlowNodeChanges, connectionToPorts, edgeHandles } from './flow-adapter';
import { demoGraph } from './serialize';

describe('React Flow adapter', () => {
  it('turns node changes into moves, sizes, selection and removals', () => {
    const store = createEditorStore(demoGraph());
    applyFlowNodeChanges(store, [
      { type: 'position', id: 'clicks', position: { x: 10, y: 20 }, dragging: true },
      { type: 'dimensions', id: 'clicks', dimensions: { width: 200, height: 70 } },
      { type: 'select', id: 'purchases', selected: true },
    ]);
    let s = store.getState();
    expect(s.graph.nodes[0]!.position).toEqual({ x: 10, y: 20 });
    expect(s.measured.clicks).toEqual({ width: 200, height: 70 });
    expect(s.selection.nodes).toEqual(['purchases']);
    applyFlowNodeChanges(store, [{ type: 'remove', id: 'purchases' }]);
    s = store.getState();
    expect(s.graph.nodes.some((n) => n.id === 'purchases')).toBe(false);
    expect(s.graph.edges.some((e) => e.from === 'purchases' || e.to === 'purchases')).toBe(false);
    expect(s.selection.nodes).toEqual([]);
  });

  it('removes selected edges', () => {
    const store = createEditorStore(demoGraph());
    const id = store.getState().graph.edges[0]!.id;
    applyFlowEdgeChanges(store, [{ type: 'select', id, selected: true }]);
    expect(store.getState().selection.edges).toEqual([id]);
    applyFlowEdgeChanges(store, [{ type: 'remove', id }]);
    expect(store.getState().graph.edges).toHaveLength(3);
  });

  it('names ports in the spec only when the handle is not implied', () => {
    const nodes = demoGraph().nodes;
    expect(connectionToPorts(nodes, { source: 'clicks', target: 'purchases', sourceHandle: 'out', targetHandle: 'in' })).toEqual({ from: 'clicks', to: 'purchases' });
    expect(connectionToPorts(nodes, { source: 'perWindow', target: 'preview', sourceHandle: 'late', targetHandle: 'in' })).toEqual({ from: 'perWindow', to: 'preview', fromPort: 'late' });
    expect(edgeHandles(nodes, { from: 'clicks', to: 'purchases' })).toEqual({ sourceHandle: 'out', targetHandle: 'in' });
  });
});
