import { describe, expect, it } from 'vitest';
import { demoSpec } from '../demo.js';
import { validateSpec } from '../validate.js';
import { withEventTimeOrigin } from './sources.js';

describe('withEventTimeOrigin', () => {
  it('starts datagen sources without a start at the origin, and keeps an explicit one', () => {
    const spec = validateSpec(demoSpec()).spec!;
    const explicit = { ...spec, nodes: [...spec.nodes, { id: 'fixed', kind: 'source.datagen', params: { ...spec.nodes[0]!.params, startTime: 5 } }] };
    const out = withEventTimeOrigin(explicit, 1_800_000_000_000);
    expect(out.nodes[0]!.params.startTime).toBe(1_800_000_000_000);
    expect(out.nodes.at(-1)!.params.startTime).toBe(5);
    // Other nodes and the input are left alone.
    expect(out.nodes[1]).toBe(explicit.nodes[1]);
    expect(explicit.nodes[0]!.params.startTime).toBeUndefined();
    expect(validateSpec(withEventTimeOrigin(spec, 1_800_000_000_000)).ok).toBe(true);
  });

  it('returns the spec itself when nothing needs a start', () => {
    const spec = { nodes: [{ kind: 'filter', params: { expr: 'true' } }] };
    expect(withEventTimeOrigin(spec, 1)).toBe(spec);
  });
});

describe('source.datagen profiles', () => {
  const spec = (params: Record<string, unknown>) => ({
    specVersion: 1,
    name: 'gen',
    nodes: [
      { id: 'gen', kind: 'source.datagen', params },
      { id: 'out', kind: 'sink.collect', params: {} },
    ],
    edges: [{ from: 'gen', to: 'out' }],
  });

  it('sequence emits {key, seq, ts}; keys belongs to it alone', () => {
    const seq = validateSpec(spec({ profile: 'sequence', keys: 10 }));
    expect(seq.errors).toEqual([]);
    expect(seq.types['gen']?.output.fields.map((f) => f.name)).toEqual(['key', 'seq', 'ts']);
    expect(validateSpec(spec({ profile: 'sequence', timestamp: 'user_id' })).errors.map((e) => e.path)).toContain('$.nodes[0].params.timestamp');
    expect(validateSpec(spec({ keys: 10 })).errors.map((e) => e.path)).toContain('$.nodes[0].params.keys');
  });
});
