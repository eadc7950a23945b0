import { validateSpec } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { pipeline } from '../../test/helpers.js';
import { buildLogicalGraph } from './logical-graph.js';
import { buildPhysicalPlan } from './physical-plan.js';

function plan(spec: unknown) {
  const v = validateSpec(spec);
  expect(v.errors).toEqual([]);
  return buildPhysicalPlan(buildLogicalGraph(v.spec!, v));
}

const demo = [
  { id: 'src', kind: 'source.datagen' },
  { id: 'f', kind: 'filter', params: { expr: "event_type == 'purchase'" } },
  { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
  { id: 'w', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] } },
  { id: 'out', kind: 'sink.collect' },
];

describe('physical plan', () => {
  it('chains forward edges and cuts at the hash exchange after keyBy', () => {
    const p = plan(pipeline(demo));
    expect(p.chains.map((c) => c.nodes)).toEqual([['src', 'f', 'k'], ['w', 'out']]);
    expect(p.graph.byId.get('k')!.outEdges[0]!.partitioning).toBe('hash');
    expect(p.graph.byId.get('w')!.keyedInput).toBe(true);
    expect(p.chains[1]!.inputs.map((e) => `${e.from}->${e.to}`)).toEqual(['k->w']);
  });

  it('uses rebalance where parallelism changes and does not chain across it', () => {
    const nodes = [{ ...demo[0]!, parallelism: 2 }, demo[1]!, { id: 'out', kind: 'sink.collect' }];
    const p = plan(pipeline(nodes, { parallelism: 1 }));
    expect(p.graph.byId.get('src')!.outEdges[0]!.partitioning).toBe('rebalance');
    expect(p.chains.map((c) => c.nodes)).toEqual([['src'], ['f', 'out']]);
  });

  it('starts a new chain at a node with several inputs', () => {
    const spec = pipeline([demo[0]!, { id: 'f', kind: 'filter', params: { expr: 'true' } }, { id: 'out', kind: 'sink.collect' }]);
    spec.nodes.push({ id: 'src2', kind: 'source.datagen', params: {} });
    spec.edges.push({ from: 'src2', to: 'f' });
    const p = plan(spec);
    expect(p.chainOf.get('f')!.nodes).toEqual(['f', 'out']);
    expect(p.chainOf.get('f')!.inputs).toHaveLength(2);
  });
});
