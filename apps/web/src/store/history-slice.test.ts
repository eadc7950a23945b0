import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEditorStore } from './editor-store';
import { applyFlowNodeChanges } from './flow-adapter';
import { TYPING_MERGE_MS } from './history-slice';
import { demoGraph } from './serialize';

const pastLength = (store: ReturnType<typeof createEditorStore>) => store.temporal.getState().pastStates.length;

describe('undo/redo of graph edits', () => {
  it('starts with an empty history, even with an initial graph', () => {
    const store = createEditorStore(demoGraph());
    expect(pastLength(store)).toBe(0);
    store.getState().undo();
    expect(store.getState().graph.nodes).toHaveLength(5);
  });

  it('undoes add, connect, param edit and delete one at a time, all the way back, then redoes them', () => {
    const store = createEditorStore();
    const s = store.getState();
    const empty = store.getState().graph;
    s.addNode('source.datagen', { x: 0, y: 0 });
    s.addNode('filter', { x: 300, y: 0 });
    s.connect({ from: 'source_datagen_1', to: 'filter_1' });
    s.setParam('filter_1', ['expr'], 'price > 10.0');
    s.removeNodes(['source_datagen_1']);
    const final = store.getState().graph;
    expect(final.nodes.map((n) => n.id)).toEqual(['filter_1']);
    expect(final.edges).toEqual([]);
    expect(pastLength(store)).toBe(5);

    s.undo(); // delete
    expect(store.getState().graph.nodes.map((n) => n.id)).toEqual(['source_datagen_1', 'filter_1']);
    expect(store.getState().graph.edges).toHaveLength(1);
    s.undo(); // param
    expect(store.getState().graph.nodes[1]!.params.expr).toBe('true');
    s.undo(); // connect
    expect(store.getState().graph.edges).toHaveLength(0);
    s.undo(); // second add
    expect(store.getState().graph.nodes.map((n) => n.id)).toEqual(['source_datagen_1']);
    s.undo(); // first add
    expect(store.getState().graph).toBe(empty);
    s.undo(); // nothing left: no-op
    expect(store.getState().graph).toBe(empty);

    for (let i = 0; i < 5; i++) s.redo();
    expect(store.getState().graph).toEqual(final);
    expect(store.temporal.getState().futureStates).toHaveLength(0);
  });

  it('a new edit after an undo drops the redo branch', () => {
    const store = createEditorStore();
    const s = store.getState();
    s.addNode('filter');
    s.addNode('map');
    s.undo();
    s.addNode('keyBy');
    s.redo();
    expect(store.getState().graph.nodes.map((n) => n.kind)).toEqual(['filter', 'keyBy']);
  });

  it('records a drag as ONE step, back to where the drag started', () => {
    const store = createEditorStore(demoGraph());
    const start = store.getState().graph.nodes[0]!.position;
    for (let i = 1; i <= 10; i++) applyFlowNodeChanges(store, [{ type: 'position', id: 'clicks', position: { x: start.x + i * 10, y: start.y + i }, dragging: true }]);
    expect(pastLength(store)).toBe(0); // paused while dragging
    applyFlowNodeChanges(store, [{ type: 'position', id: 'clicks', position: { x: start.x + 100, y: start.y + 10 }, dragging: false }]);
    expect(pastLength(store)).toBe(1);
    expect(store.getState().graph.nodes[0]!.position).toEqual({ x: start.x + 100, y: start.y + 10 });
    store.getState().undo();
    expect(store.getState().graph.nodes[0]!.position).toEqual(start);
    store.getState().redo();
    expect(store.getState().graph.nodes[0]!.position).toEqual({ x: start.x + 100, y: start.y + 10 });
  });

  it('records a multi-node drag as one step too', () => {
    const store = createEditorStore(demoGraph());
    const before = store.getState().graph;
    for (let i = 1; i <= 3; i++)
      applyFlowNodeChanges(store, [
        { type: 'position', id: 'clicks', position: { x: i * 10, y: 0 }, dragging: true },
        { type: 'position', id: 'purchases', position: { x: 300 + i * 10, y: 0 }, dragging: true },
      ]);
    applyFlowNodeChanges(store, [
      { type: 'position', id: 'clicks', position: { x: 30, y: 0 }, dragging: false },
      { type: 'position', id: 'purchases', position: { x: 330, y: 0 }, dragging: false },
    ]);
    expect(pastLength(store)).toBe(1);
    store.getState().undo();
    expect(store.getState().graph).toBe(before);
  });

  it('does not record selection, sizes, notices, theme or viewport fits', () => {
    const store = createEditorStore(demoGraph());
    const s = store.getState();
    s.setSelection({ nodes: ['clicks'], edges: [] });
    applyFlowNodeChanges(store, [{ type: 'select', id: 'purchases', selected: true }, { type: 'dimensions', id: 'clicks', dimensions: { width: 210, height: 80 } }]);
    s.setNotice({ kind: 'info', text: 'hi' });
    s.setTheme('dark');
    s.requestFit();
    s.copySelection();
    expect(pastLength(store)).toBe(0);
    s.setParam('clicks', ['ratePerSec'], 10);
    s.setSelection({ nodes: ['preview'], edges: [] });
    s.undo();
    // Undo reverted the param edit, not the selection change that came after it.
    expect(store.getState().graph.nodes[0]!.params.ratePerSec).not.toBe(10);
    expect(store.getState().selection.nodes).toEqual(['preview']);
  });

  it('drops the selection of nodes that an undo removed', () => {
    const store = createEditorStore();
    store.getState().addNode('filter');
    expect(store.getState().selection.nodes).toEqual(['filter_1']);
    store.getState().undo();
    expect(store.getState().selection.nodes).toEqual([]);
  });

  it('undoes a delete of nodes and their edges in one step', () => {
    const store = createEditorStore(demoGraph());
    const before = store.getState().graph;
    // What React Flow hands to onBeforeDelete: the nodes and every edge touching them.
    store.getState().deleteElements(['purchases', 'byProduct'], ['e:clicks->purchases', 'e:purchases->byProduct', 'e:byProduct->perWindow']);
    expect(store.getState().graph.nodes).toHaveLength(3);
    expect(store.getState().graph.edges).toHaveLength(1);
    expect(pastLength(store)).toBe(1);
    store.getState().undo();
    expect(store.getState().graph).toBe(before);
  });

  it('makes loading a document undoable too', () => {
    const store = createEditorStore(demoGraph());
    store.getState().newPipeline();
    expect(store.getState().graph.nodes).toHaveLength(0);
    store.getState().undo();
    expect(store.getState().graph.nodes).toHaveLength(5);
  });

  describe('typing', () => {
    afterEach(() => vi.useRealTimers());

    it('merges keystrokes in one field into one step, but not across fields or pauses', () => {
      vi.useFakeTimers();
      const store = createEditorStore(demoGraph());
      const s = store.getState();
      const before = store.getState().graph.nodes[1]!.params.expr;
      for (const text of ['p', 'pr', 'pri', 'price', 'price > 1']) {
        s.setParam('purchases', ['expr'], text);
        vi.advanceTimersByTime(200);
      }
      expect(pastLength(store)).toBe(1);
      s.setParam('byProduct', ['key'], 'user_id'); // another field: a new step
      expect(pastLength(store)).toBe(2);
      vi.advanceTimersByTime(TYPING_MERGE_MS + 1);
      s.setParam('byProduct', ['key'], 'user_id2'); // after a pause: a new step
      expect(pastLength(store)).toBe(3);
      s.undo();
      s.undo();
      expect(store.getState().graph.nodes[1]!.params.expr).toBe('price > 1');
      s.undo();
      expect(store.getState().graph.nodes[1]!.params.expr).toBe(before);
    });
  });
});
