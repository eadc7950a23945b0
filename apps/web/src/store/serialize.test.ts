import { demoSpec, validateSpec } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { createEditorStore } from './editor-store';
import { demoGraph, graphFromSpec, toSpec } from './serialize';

describe('serialization', () => {
  it('serializes the demo canvas to a spec validateSpec accepts', () => {
    const spec = toSpec(demoGraph());
    const r = validateSpec(spec);
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(spec.ui?.positions?.perWindow).toEqual({ x: 780, y: 80 });
  });

  it('round-trips import → export losslessly', () => {
    const original = demoSpec();
    original.nodes[0]!.label = 'Clicks';
    original.nodes[1]!.parallelism = 2;
    original.edges[0]!.partitioning = 'rebalance';
    original.ui = { ...original.ui, viewport: { x: 1, y: 2, zoom: 1 } } as typeof original.ui;
    const r = graphFromSpec(JSON.parse(JSON.stringify(original)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(toSpec(r.graph)).toEqual(original);
  });

  it('writes ports and partitioning only when set', () => {
    const store = createEditorStore();
    const s = store.getState();
    s.addNode('source.datagen', { x: 0, y: 0 });
    s.addNode('sink.collect', { x: 300, y: 0 });
    s.connect({ from: 'source_datagen_1', to: 'sink_collect_1', fromPort: 'late' });
    expect(toSpec(store.getState().graph).edges).toEqual([{ from: 'source_datagen_1', to: 'sink_collect_1', fromPort: 'late' }]);
  });

  it('auto-places nodes without positions in a row', () => {
    const spec = demoSpec();
    delete spec.ui;
    const r = graphFromSpec(spec);
    expect(r.ok && r.graph.nodes.map((n) => n.position)).toEqual([0, 1, 2, 3, 4].map((i) => ({ x: i * 260, y: 80 })));
  });

  it('places only the missing ones below the saved layout', () => {
    const spec = demoSpec();
    delete spec.ui!.positions!.preview;
    const r = graphFromSpec(spec);
    expect(r.ok && r.graph.nodes[4]!.position).toEqual({ x: 0, y: 240 });
  });

  it('refuses what cannot be drawn, with a reason', () => {
    expect(graphFromSpec([])).toEqual({ ok: false, error: 'a job spec is a JSON object' });
    expect(graphFromSpec({ name: 'x' })).toEqual({ ok: false, error: 'the spec has no "nodes" array' });
    expect(graphFromSpec({ nodes: [{ id: 1 }] })).toMatchObject({ ok: false });
    expect(graphFromSpec({ specVersion: 99, nodes: [] })).toMatchObject({ ok: false, error: expect.stringContaining('newer') });
  });

  it('loads an invalid but drawable spec so that it can be fixed', () => {
    const store = createEditorStore();
    const r = store.getState().loadSpec({ specVersion: 1, name: 'broken', nodes: [{ id: 'f', kind: 'filter', params: {} }], edges: [] });
    expect(r.ok).toBe(true);
    expect(store.getState().graph.nodes[0]!.id).toBe('f');
  });
});
