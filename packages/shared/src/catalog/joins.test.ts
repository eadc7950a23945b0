import { describe, expect, it } from 'vitest';
import type { JobSpecInput } from '../spec.schema.js';
import { validateSpec } from '../validate.js';

function joinSpec(kind: string, params: Record<string, unknown>, keyRight = true): JobSpecInput {
  const src = (id: string) => ({ id, kind: 'source.datagen', params: { profile: 'clickstream', timestamp: 'ts' } });
  return {
    specVersion: 1,
    name: 'join',
    config: {},
    nodes: [
      src('a'),
      src('b'),
      { id: 'ka', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'kb', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'j', kind, params },
      { id: 'out', kind: 'sink.collect', params: {} },
    ],
    edges: [
      { from: 'a', to: 'ka' },
      { from: 'b', to: 'kb' },
      { from: 'ka', to: 'j', toPort: 'left' },
      { from: keyRight ? 'kb' : 'b', to: 'j', toPort: 'right' },
      { from: 'j', to: 'out' },
      ...(keyRight ? [] : [{ from: 'kb', to: 'out' }]),
    ],
  };
}

describe('join catalog entries', () => {
  it('accept two keyed inputs and type the output', () => {
    const r = validateSpec(joinSpec('join.interval', { before: '2s', after: '1s' }));
    expect(r.errors).toEqual([]);
    expect(r.types.j!.output.fields.map((f) => f.name)).toEqual(['key', 'left', 'right']);
    const w = validateSpec(joinSpec('join.window', { size: '10s' }));
    expect(w.errors).toEqual([]);
    expect(w.types.j!.output.fields.map((f) => f.name)).toEqual(['key', 'window_start', 'window_end', 'left', 'right']);
  });

  it('join.regular: two keyed inputs, an optional positive ttl', () => {
    const r = validateSpec(joinSpec('join.regular', {}));
    expect(r.errors).toEqual([]);
    expect(r.types.j!.output.fields.map((f) => f.name)).toEqual(['key', 'left', 'right']);
    expect(validateSpec(joinSpec('join.regular', { ttl: '1h' })).errors).toEqual([]);
    expect(validateSpec(joinSpec('join.regular', { ttl: '0s' })).errors.map((e) => e.path)).toContainEqual(expect.stringContaining('ttl'));
    expect(validateSpec(joinSpec('join.regular', {}, false)).errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/keyBy on both inputs/));
  });

  it('need a keyBy on both inputs', () => {
    const r = validateSpec(joinSpec('join.interval', {}, false));
    expect(r.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/keyBy on both inputs/));
  });
});
