import { describe, expect, it } from 'vitest';
import { demoSpec } from './demo.js';
import type { JobSpecInput } from './spec.schema.js';
import { validateSpec, parseSpec } from './validate.js';

function spec(): JobSpecInput {
  return structuredClone(demoSpec());
}

function problems(input: unknown) {
  return validateSpec(input).errors.map((e) => ({ path: e.path, code: e.code }));
}

describe('validateSpec', () => {
  it('accepts the demo pipeline and fills in defaults', () => {
    const r = validateSpec(spec());
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.spec!.config.time).toBe('event');
    expect(r.spec!.nodes[4]!.params).toEqual({ limit: 100 });
    // No fixed default: whoever runs the job starts generated event time (withEventTimeOrigin).
    expect(r.spec!.nodes[0]!.params.startTime).toBeUndefined();
  });

  it('reports structural problems with their JSON path', () => {
    const s = spec() as Record<string, unknown>;
    delete s.name;
    (s.nodes as unknown[])[0] = { id: '1bad', kind: 'filter' };
    expect(problems(s)).toEqual(
      expect.arrayContaining([
        { path: '$.name', code: 'schema' },
        { path: '$.nodes[0].id', code: 'schema' },
      ]),
    );
  });

  it('reports an unknown kind', () => {
    const s = spec();
    s.nodes[1]!.kind = 'filterr';
    expect(problems(s)).toContainEqual({ path: '$.nodes[1].kind', code: 'unknown_kind' });
  });

  it('reports duplicate node ids', () => {
    const s = spec();
    s.nodes[2]!.id = 'purchases';
    expect(problems(s)).toContainEqual({ path: '$.nodes[2].id', code: 'duplicate_id' });
  });

  it('reports dangling edges at the missing end', () => {
    const s = spec();
    s.edges.push({ from: 'ghost', to: 'preview' }, { from: 'clicks', to: 'nowhere' });
    expect(problems(s)).toEqual(
      expect.arrayContaining([
        { path: '$.edges[4].from', code: 'dangling_edge' },
        { path: '$.edges[5].to', code: 'dangling_edge' },
      ]),
    );
  });

  it('reports a cycle', () => {
    const s = spec();
    s.edges.push({ from: 'byProduct', to: 'purchases' });
    const r = validateSpec(s);
    const cycle = r.errors.find((e) => e.code === 'cycle');
    expect(cycle?.path).toMatch(/^\$\.edges\[\d\]$/);
    expect(cycle?.message).toContain('purchases');
  });

  it('reports a missing source and a missing sink', () => {
    const noSource = spec();
    noSource.nodes = noSource.nodes.filter((n) => n.id !== 'clicks');
    noSource.edges = noSource.edges.filter((e) => e.from !== 'clicks');
    expect(problems(noSource)).toContainEqual({ path: '$.nodes', code: 'no_source' });
    const noSink = spec();
    noSink.nodes = noSink.nodes.filter((n) => n.id !== 'preview');
    noSink.edges = noSink.edges.filter((e) => e.to !== 'preview');
    expect(problems(noSink)).toContainEqual({ path: '$.nodes', code: 'no_sink' });
    expect(problems(noSink)).toContainEqual({ path: '$.nodes[3]', code: 'no_output' });
  });

  it('reports an operator without input', () => {
    const s = spec();
    s.edges = s.edges.filter((e) => e.to !== 'purchases');
    expect(problems(s)).toContainEqual({ path: '$.nodes[1]', code: 'no_input' });
  });

  it('reports edges into a source or out of a sink', () => {
    const s = spec();
    s.edges.push({ from: 'preview', to: 'clicks' });
    expect(problems(s)).toEqual(
      expect.arrayContaining([
        { path: '$.edges[4].from', code: 'bad_port' },
        { path: '$.edges[4].to', code: 'bad_port' },
      ]),
    );
  });

  it('reports bad params at the param path', () => {
    const s = spec();
    s.nodes[3]!.params = { size: '10 parsecs', aggregate: [{ fn: 'median', as: 'x' }] };
    s.nodes[0]!.params!.ratePerSec = -5;
    s.nodes[0]!.params!.colour = 'blue';
    expect(problems(s)).toEqual(
      expect.arrayContaining([
        { path: '$.nodes[3].params.size', code: 'bad_params' },
        { path: '$.nodes[3].params.aggregate[0].fn', code: 'bad_params' },
        { path: '$.nodes[0].params.ratePerSec', code: 'bad_params' },
        { path: '$.nodes[0].params', code: 'bad_params' },
      ]),
    );
  });

  it('reports bad expressions: syntax, types, unknown fields, wrong result type', () => {
    const s = spec();
    s.nodes[1]!.params!.expr = "event_type == 'purchase' &&";
    expect(problems(s)).toContainEqual({ path: '$.nodes[1].params.expr', code: 'bad_expression' });
    s.nodes[1]!.params!.expr = 'price + 1.0';
    const r = validateSpec(s);
    expect(r.errors.find((e) => e.path === '$.nodes[1].params.expr')?.message).toMatch(/must return bool/);
    s.nodes[1]!.params!.expr = 'colour == "red"';
    expect(validateSpec(s).errors.find((e) => e.path === '$.nodes[1].params.expr')?.message).toMatch(/colour/);
    s.nodes[1]!.params!.expr = 'event_type > 3';
    expect(problems(s)).toContainEqual({ path: '$.nodes[1].params.expr', code: 'bad_expression' });
  });

  it('reports unknown fields in field references', () => {
    const s = spec();
    s.nodes[2]!.params!.key = 'productid';
    s.nodes[3]!.params!.aggregate = [{ fn: 'sum', field: 'event_type', as: 's' }, { fn: 'max', as: 'm' }];
    expect(problems(s)).toEqual(
      expect.arrayContaining([
        { path: '$.nodes[2].params.key', code: 'unknown_field' },
        { path: '$.nodes[3].params.aggregate[0].field', code: 'bad_params' },
        { path: '$.nodes[3].params.aggregate[1].field', code: 'bad_params' },
      ]),
    );
  });

  it('rejects impossible partitioning choices', () => {
    const s = spec();
    s.nodes[1]!.parallelism = 2;
    s.edges[0]!.partitioning = 'forward';
    expect(problems(s)).toContainEqual({ path: '$.edges[0].partitioning', code: 'bad_partitioning' });
    const afterKeyBy = spec();
    afterKeyBy.edges[2]!.partitioning = 'rebalance';
    expect(problems(afterKeyBy)).toContainEqual({ path: '$.edges[2].partitioning', code: 'bad_partitioning' });
    const noKey = spec();
    noKey.edges[1]!.partitioning = 'hash';
    expect(validateSpec(noKey).errors.find((e) => e.path === '$.edges[1].partitioning')?.message).toMatch(/keyBy/);
    const fine = spec();
    fine.edges[0]!.partitioning = 'broadcast';
    fine.edges[2]!.partitioning = 'hash';
    expect(validateSpec(fine).errors).toEqual([]);
  });

  it('propagates schemas through map, keyBy and the window', () => {
    const s = spec();
    s.nodes.splice(2, 0, {
      id: 'shape',
      kind: 'map',
      params: { fields: [{ as: 'product', expr: 'product_id' }, { as: 'cents', expr: 'int(price * 100.0)' }] },
    });
    s.edges[1] = { from: 'purchases', to: 'shape' };
    s.edges.splice(2, 0, { from: 'shape', to: 'byProduct' });
    s.nodes[3]!.params!.key = 'product';
    s.nodes[4]!.params!.aggregate = [{ fn: 'sum', field: 'cents', as: 'revenue' }, { fn: 'avg', field: 'cents', as: 'avg' }];
    const r = validateSpec(s);
    expect(r.errors).toEqual([]);
    expect(r.types.shape!.output.fields).toEqual([
      { name: 'product', type: 'int' },
      { name: 'cents', type: 'int' },
    ]);
    expect(r.types.byProduct!.keyed).toBe(true);
    expect(r.types.perWindow!.output.fields).toEqual([
      { name: 'key', type: 'int' },
      { name: 'window_start', type: 'int' },
      { name: 'window_end', type: 'int' },
      { name: 'revenue', type: 'int' },
      { name: 'avg', type: 'double' },
    ]);
  });

  it('types expressions over an open NDJSON schema as dyn', () => {
    const s: JobSpecInput = {
      specVersion: 1,
      name: 'files',
      nodes: [
        { id: 'in', kind: 'source.file', params: { path: 'x.ndjson', timestamp: 'ts' } },
        { id: 'f', kind: 'filter', params: { expr: 'amount > 10' } },
        { id: 'out', kind: 'sink.file', params: { path: 'out' } },
      ],
      edges: [
        { from: 'in', to: 'f' },
        { from: 'f', to: 'out' },
      ],
    };
    expect(validateSpec(s).errors).toEqual([]);
  });

  it('refuses a spec from a newer Riffle and non-objects', () => {
    expect(problems({ ...spec(), specVersion: 99 })).toEqual([{ path: '$.specVersion', code: 'unsupported_version' }]);
    expect(validateSpec('nope').ok).toBe(false);
    expect(validateSpec(null).ok).toBe(false);
  });

  it('parseSpec throws with every path listed', () => {
    const s = spec();
    s.nodes[1]!.params!.expr = '1 +';
    expect(() => parseSpec(s)).toThrow(/\$\.nodes\[1\]\.params\.expr/);
  });
});
