import { describe, expect, it } from 'vitest';
import { createEditorStore } from './editor-store';
import { demoGraph } from './serialize';

describe('auto-layout', () => {
  it('moves nodes so that every edge points left to right, in one undo step, and asks for a fit', () => {
    const store = createEditorStore();
    const s = store.getState();
    // Added right to left on purpose, stacked on one spot.
    s.addNode('sink.collect', { x: 0, y: 0 });
    s.addNode('filter', { x: 0, y: 0 });
    s.addNode('source.datagen', { x: 0, y: 0 });
    s.connect({ from: 'source_datagen_1', to: 'filter_1' });
    s.connect({ from: 'filter_1', to: 'sink_collect_1' });
    const before = store.getState().graph;
    const past = store.temporal.getState().pastStates.length;
    s.autoLayout();
    const { graph, fitRequest } = store.getState();
    const x = (id: string) => graph.nodes.find((n) => n.id === id)!.position.x;
    expect(x('source_datagen_1')).toBeLessThan(x('filter_1'));
    expect(x('filter_1')).toBeLessThan(x('sink_collect_1'));
    for (const e of graph.edges) expect(x(e.from)).toBeLessThan(x(e.to));
    expect(fitRequest).toBe(1);
    expect(store.temporal.getState().pastStates.length).toBe(past + 1);
    s.undo();
    expect(store.getState().graph).toBe(before);
  });

  it('lays out the demo left to right and puts parallel nodes one above the other', () => {
    const g = demoGraph();
    g.nodes = g.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } }));
    const store = createEditorStore(g);
    store.getState().autoLayout();
    const nodes = store.getState().graph.nodes;
    const xs = nodes.map((n) => n.position.x);
    // clicks → purchases → byProduct → perWindow → preview is a chain.
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(new Set(xs).size).toBe(5);
    // No two nodes overlap.
    for (const a of nodes) for (const b of nodes) if (a !== b) expect(Math.abs(a.position.x - b.position.x) >= 200 || Math.abs(a.position.y - b.position.y) >= 72).toBe(true);
  });

  it('uses measured sizes and makes no step when already laid out', () => {
    const store = createEditorStore(demoGraph());
    store.getState().setMeasured(store.getState().graph.nodes.map((n) => ({ id: n.id, size: { width: 240, height: 100 } })));
    store.getState().autoLayout();
    const nodes = store.getState().graph.nodes;
    expect(nodes[1]!.position.x - nodes[0]!.position.x).toBeGreaterThanOrEqual(240);
    const past = store.temporal.getState().pastStates.length;
    store.getState().autoLayout();
    expect(store.temporal.getState().pastStates.length).toBe(past);
  });
});
