import { describe, expect, it } from 'vitest';
import { demoSpec } from '../demo.js';
import type { JobSpecInput } from '../spec.schema.js';
import { validateSpec } from '../validate.js';

/** The demo pipeline with its window node replaced. */
function withWindow(kind: string, params: Record<string, unknown>): JobSpecInput {
  const s = structuredClone(demoSpec());
  s.nodes[3] = { id: 'perWindow', kind, params };
  return s;
}

const problems = (s: JobSpecInput) => validateSpec(s).errors.map((e) => ({ path: e.path, code: e.code, message: e.message }));
const COUNT = [{ fn: 'count', as: 'n' }];

describe('window catalog entries', () => {
  it('accepts every window kind and fills in defaults', () => {
    for (const [kind, p] of [
      ['window.tumbling', { size: '10s' }],
      ['window.sliding', { size: '1m', slide: '10s' }],
      ['window.session', { gap: '30s' }],
      ['window.global', { trigger: { count: 5 } }],
    ] as const) {
      const r = validateSpec(withWindow(kind, { ...p, aggregate: COUNT }));
      expect(r.errors, kind).toEqual([]);
      if (kind !== 'window.global') expect(r.spec!.nodes[3]!.params.allowedLateness).toBe('0s');
    }
  });

  it('keeps the original tumbling params valid', () => {
    expect(validateSpec(demoSpec()).errors).toEqual([]);
  });

  it('types the new aggregates', () => {
    const r = validateSpec(
      withWindow('window.sliding', {
        size: '1m',
        slide: '20s',
        aggregate: [
          { fn: 'first', field: 'event_type', as: 'first_type' },
          { fn: 'last', field: 'price', as: 'last_price' },
          { fn: 'count_distinct', field: 'user_id', as: 'users' },
          { fn: 'top_n', field: 'price', n: 3, as: 'top' },
        ],
        having: 'users > 1',
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.types.perWindow!.output.fields.slice(3)).toEqual([
      { name: 'first_type', type: 'string' },
      { name: 'last_price', type: 'double' },
      { name: 'users', type: 'int' },
      { name: 'top', type: 'list' },
    ]);
  });

  it('global windows emit the key and aggregates only', () => {
    const r = validateSpec(withWindow('window.global', { trigger: { count: 3 }, aggregate: COUNT }));
    expect(r.types.perWindow!.output.fields.map((f) => f.name)).toEqual(['key', 'n']);
  });

  it('reports bad window params with their paths', () => {
    expect(problems(withWindow('window.sliding', { size: '10s', slide: '1m', aggregate: COUNT }))).toContainEqual(
      expect.objectContaining({ path: '$.nodes[3].params.slide', code: 'bad_params' }),
    );
    expect(problems(withWindow('window.session', { gap: '0s', aggregate: COUNT }))).toContainEqual(
      expect.objectContaining({ path: '$.nodes[3].params.gap' }),
    );
    expect(problems(withWindow('window.tumbling', { size: '1s', aggregate: [{ fn: 'top_n', field: 'price', as: 't' }] }))).toContainEqual(
      expect.objectContaining({ path: '$.nodes[3].params.aggregate[0].n', code: 'bad_params' }),
    );
    expect(problems(withWindow('window.tumbling', { size: '1s', aggregate: [{ fn: 'sum', field: 'event_type', as: 's' }] }))).toContainEqual(
      expect.objectContaining({ path: '$.nodes[3].params.aggregate[0].field' }),
    );
    expect(problems(withWindow('window.tumbling', { size: '1s', aggregate: COUNT, having: 'n + 1' }))).toContainEqual(
      expect.objectContaining({ path: '$.nodes[3].params.having', code: 'bad_expression' }),
    );
    expect(problems(withWindow('window.tumbling', { size: '1s', aggregate: COUNT, having: 'nope > 1' }))).toContainEqual(
      expect.objectContaining({ path: '$.nodes[3].params.having' }),
    );
    expect(problems(withWindow('window.global', { trigger: { count: 0 }, aggregate: COUNT }))).toContainEqual(
      expect.objectContaining({ path: '$.nodes[3].params.trigger.count' }),
    );
  });

  it('gives the late port the input schema', () => {
    const s = withWindow('window.tumbling', { size: '10s', aggregate: COUNT });
    s.nodes.push({ id: 'lateOut', kind: 'sink.collect', params: {} });
    s.edges.push({ from: 'perWindow', fromPort: 'late', to: 'lateOut' });
    const r = validateSpec(s);
    expect(r.errors).toEqual([]);
    expect(r.types.lateOut!.output.fields.map((f) => f.name)).toContain('event_type');
    expect(problems({ ...s, edges: [...s.edges, { from: 'perWindow', fromPort: 'nope', to: 'lateOut' }] })).toContainEqual(
      expect.objectContaining({ code: 'bad_port' }),
    );
  });
});

describe('reduce and dedupe catalog entries', () => {
  it('accept keyed input and type the output', () => {
    const s = withWindow('reduce', { aggregate: [{ fn: 'sum', field: 'price', as: 'total' }], ttl: '1h' });
    const r = validateSpec(s);
    expect(r.errors).toEqual([]);
    expect(r.types.perWindow!.output.fields).toEqual([
      { name: 'key', type: 'int' },
      { name: 'total', type: 'double' },
    ]);
    const o = validateSpec(withWindow('over', { range: '1m', aggregate: [{ fn: 'avg', field: 'price', as: 'avg_price' }] }));
    expect(o.errors).toEqual([]);
    expect(o.types.perWindow!.output.fields.at(-1)).toEqual({ name: 'avg_price', type: 'double' });
    expect(problems(withWindow('over', { range: '1m', aggregate: [{ fn: 'count', as: 'price' }] }))).toContainEqual(
      expect.objectContaining({ path: '$.nodes[3].params.aggregate[0].as' }),
    );
    const d = validateSpec(withWindow('dedupe', { within: '10s' }));
    expect(d.errors).toEqual([]);
    expect(d.types.perWindow!.output).toEqual(d.types.byProduct!.output);
  });

  it('need a keyBy before them', () => {
    const s = withWindow('dedupe', { within: '10s' });
    s.nodes.splice(2, 1);
    s.edges = [
      { from: 'clicks', to: 'purchases' },
      { from: 'purchases', to: 'perWindow' },
      { from: 'perWindow', to: 'preview' },
    ];
    expect(problems(s)).toContainEqual(expect.objectContaining({ code: 'bad_params', message: expect.stringMatching(/keyBy/) }));
  });
});

describe('output field names', () => {
  it('refuses __proto__ as a computed or aggregate field name (it would set a prototype, not a field)', () => {
    expect(problems(withWindow('window.tumbling', { size: '1m', aggregate: [{ fn: 'count', as: '__proto__' }] }))).toContainEqual(
      expect.objectContaining({ path: '$.nodes[3].params.aggregate[0].as' }),
    );
  });
});
