import { getOperator } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { createEditorStore } from './editor-store';
import { demoGraph, toSpec } from './serialize';

describe('graph slice', () => {
  it('adds nodes with unique readable ids and the catalog defaults', () => {
    const store = createEditorStore();
    const s = store.getState();
    expect(s.addNode('filter', { x: 0, y: 0 })).toBe('filter_1');
    expect(s.addNode('filter', { x: 0, y: 0 })).toBe('filter_2');
    expect(s.addNode('window.tumbling')).toBe('window_tumbling_1');
    expect(s.addNode('source.datagen')).toBe('source_datagen_1');
    expect(s.addNode('no.such.kind')).toBeUndefined();
    const { nodes } = store.getState().graph;
    expect(nodes.map((n) => n.id)).toEqual(['filter_1', 'filter_2', 'window_tumbling_1', 'source_datagen_1']);
    expect(nodes[2]!.params).toEqual(getOperator('window.tumbling')!.defaults);
    // Defaults are copied, not shared with the catalog.
    expect(nodes[2]!.params).not.toBe(getOperator('window.tumbling')!.defaults);
    // The second filter was nudged so that it does not hide the first.
    expect(nodes[1]!.position).not.toEqual(nodes[0]!.position);
    expect(store.getState().selection.nodes).toEqual(['source_datagen_1']);
  });

  it('reuses the lowest free number after a delete', () => {
    const store = createEditorStore();
    const s = store.getState();
    s.addNode('filter');
    s.addNode('filter');
    s.removeNodes(['filter_1']);
    expect(s.addNode('filter')).toBe('filter_1');
  });

  it('connects nodes once, never to themselves', () => {
    const store = createEditorStore();
    const s = store.getState();
    s.addNode('source.datagen');
    s.addNode('filter');
    s.connect({ from: 'source_datagen_1', to: 'filter_1' });
    s.connect({ from: 'source_datagen_1', to: 'filter_1' });
    s.connect({ from: 'filter_1', to: 'filter_1' });
    s.connect({ from: 'filter_1', to: 'missing' });
    expect(store.getState().graph.edges).toEqual([{ id: 'e:source_datagen_1->filter_1', from: 'source_datagen_1', to: 'filter_1' }]);
  });

  it('deleting a node removes its edges and its selection', () => {
    const store = createEditorStore(demoGraph());
    store.getState().setSelection({ nodes: ['byProduct'], edges: ['e:byProduct->perWindow'] });
    store.getState().removeNodes(['byProduct']);
    const { graph, selection } = store.getState();
    expect(graph.nodes.map((n) => n.id)).toEqual(['clicks', 'purchases', 'perWindow', 'preview']);
    expect(graph.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['clicks->purchases', 'perWindow->preview']);
    expect(selection).toEqual({ nodes: [], edges: [] });
  });

  it('edits nested params and removes optional ones', () => {
    const store = createEditorStore(demoGraph());
    const s = store.getState();
    s.setParam('perWindow', ['aggregate', 0, 'as'], 'purchases');
    s.setParam('clicks', ['watermark', 'maxOutOfOrderness'], '2s');
    s.setParam('clicks', ['count'], 500);
    s.setParam('clicks', ['timestamp'], undefined);
    s.setParam('perWindow', ['aggregate', 1], undefined);
    const nodes = store.getState().graph.nodes;
    const clicks = nodes.find((n) => n.id === 'clicks')!.params;
    expect(clicks.watermark).toEqual({ maxOutOfOrderness: '2s' });
    expect(clicks.count).toBe(500);
    expect('timestamp' in clicks).toBe(false);
    expect(nodes.find((n) => n.id === 'perWindow')!.params.aggregate).toEqual([{ fn: 'count', as: 'purchases' }]);
  });

  it('leaves untouched nodes identical (cheap re-renders)', () => {
    const store = createEditorStore(demoGraph());
    const before = store.getState().graph.nodes;
    store.getState().setParam('purchases', ['expr'], 'price > 10.0');
    const after = store.getState().graph.nodes;
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
  });

  it('applies a node move only to that node', () => {
    const store = createEditorStore(demoGraph());
    store.getState().apply([{ type: 'node/move', id: 'clicks', position: { x: 5, y: 6 }, dragging: true }]);
    expect(store.getState().graph.nodes[0]!.position).toEqual({ x: 5, y: 6 });
  });

  it('clears the server answer once the graph changes', () => {
    const store = createEditorStore(demoGraph());
    store.getState().jobRejected('rejected', [{ path: '$.nodes[1].params.expr', message: 'bad' }]);
    expect(store.getState().job.serverErrors).toHaveLength(1);
    store.getState().setLabel('clicks', 'Clicks');
    expect(store.getState().job.serverErrors).toHaveLength(0);
    expect(store.getState().graph.nodes[0]!.label).toBe('Clicks');
  });

  it('loads, clears and reloads the demo', () => {
    const store = createEditorStore(demoGraph());
    store.getState().newPipeline();
    expect(store.getState().graph.nodes).toEqual([]);
    store.getState().loadDemo();
    expect(store.getState().graph.nodes).toHaveLength(5);
    expect(store.getState().loadCount).toBe(2);
  });

  it('keeps where the pipeline runs in its config, so it is saved and reloaded with it; embedded is the default', () => {
    const store = createEditorStore(demoGraph());
    expect(toSpec(store.getState().graph).config?.target).toBeUndefined();
    store.getState().setTarget('flink');
    expect(toSpec(store.getState().graph).config?.target).toBe('flink');
    const reloaded = createEditorStore();
    reloaded.getState().loadSpec(JSON.parse(JSON.stringify(toSpec(store.getState().graph))));
    expect(reloaded.getState().graph.config?.target).toBe('flink');
    store.getState().undo();
    expect(store.getState().graph.config?.target).toBeUndefined();
    store.getState().redo();
    store.getState().setTarget('embedded');
    expect(toSpec(store.getState().graph).config).not.toHaveProperty('target');
  });
});
