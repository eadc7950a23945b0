import { describe, expect, it } from 'vitest';
import { PASTE_OFFSET } from './clipboard-slice';
import { createEditorStore } from './editor-store';
import { demoGraph } from './serialize';

describe('copy/paste', () => {
  it('pastes the selected nodes with fresh ids, offset, and only the edges between them', () => {
    const store = createEditorStore(demoGraph());
    const s = store.getState();
    // purchases → byProduct is between two copied nodes; clicks → purchases and byProduct → perWindow are not.
    s.setSelection({ nodes: ['purchases', 'byProduct'], edges: [] });
    expect(s.copySelection()).toBe(2);
    const pasted = s.paste();
    const { graph, selection } = store.getState();
    expect(pasted).toEqual(['filter_1', 'keyBy_1']);
    expect(graph.nodes).toHaveLength(7);
    const orig = (id: string) => graph.nodes.find((n) => n.id === id)!;
    expect(orig('filter_1').params).toEqual(orig('purchases').params);
    expect(orig('filter_1').position).toEqual({ x: orig('purchases').position.x + PASTE_OFFSET, y: orig('purchases').position.y + PASTE_OFFSET });
    const newEdges = graph.edges.filter((e) => pasted.includes(e.from) || pasted.includes(e.to));
    expect(newEdges.map((e) => `${e.from}->${e.to}`)).toEqual(['filter_1->keyBy_1']);
    expect(graph.edges).toHaveLength(5);
    expect(selection.nodes).toEqual(pasted);
  });

  it('pastes again one offset further, with new ids, and each paste is one undo step', () => {
    const store = createEditorStore(demoGraph());
    const s = store.getState();
    s.setSelection({ nodes: ['clicks'], edges: [] });
    s.copySelection();
    expect(s.paste()).toEqual(['source_datagen_1']);
    expect(s.paste()).toEqual(['source_datagen_2']);
    const nodes = store.getState().graph.nodes;
    expect(nodes.at(-1)!.position.x - nodes[0]!.position.x).toBe(2 * PASTE_OFFSET);
    s.undo();
    expect(store.getState().graph.nodes.map((n) => n.id)).not.toContain('source_datagen_2');
    expect(store.getState().graph.nodes.map((n) => n.id)).toContain('source_datagen_1');
  });

  it('copies a snapshot: later edits of the original do not leak into the paste', () => {
    const store = createEditorStore(demoGraph());
    const s = store.getState();
    s.setSelection({ nodes: ['purchases'], edges: [] });
    s.copySelection();
    s.setParam('purchases', ['expr'], 'false');
    s.paste();
    expect(store.getState().graph.nodes.find((n) => n.id === 'filter_1')!.params.expr).not.toBe('false');
  });

  it('does nothing without a selection or a clipboard', () => {
    const store = createEditorStore(demoGraph());
    expect(store.getState().copySelection()).toBe(0);
    expect(store.getState().paste()).toEqual([]);
    expect(store.getState().graph.nodes).toHaveLength(5);
  });
});
