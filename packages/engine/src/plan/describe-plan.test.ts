import { describe, expect, it } from 'vitest';
import { pipeline } from '../../test/helpers.js';
import { describePlan, InvalidSpecError } from '../index.js';

describe('describePlan', () => {
  it('lists tasks (chains) with parallelism, and every edge with its distribution', () => {
    const spec = pipeline(
      [
        { id: 'src', kind: 'source.datagen', parallelism: 1 },
        { id: 'f', kind: 'filter', params: { expr: 'true' } },
        { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
        { id: 'w', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] } },
        { id: 'out', kind: 'sink.collect' },
      ],
      { parallelism: 2 },
    );
    const plan = describePlan(spec);
    expect(plan.tasks).toEqual([
      { id: 'src', nodes: ['src'], parallelism: 1 },
      { id: 'f', nodes: ['f', 'k'], parallelism: 2 },
      { id: 'w', nodes: ['w', 'out'], parallelism: 2 },
    ]);
    expect(plan.edges).toEqual([
      { from: 'src', to: 'f', partitioning: 'rebalance', chained: false },
      { from: 'f', to: 'k', partitioning: 'forward', chained: true },
      { from: 'k', to: 'w', partitioning: 'hash', chained: false, projection: [] }, // a count reads no field
      { from: 'w', to: 'out', partitioning: 'forward', chained: true },
    ]);
    expect(plan.nodes.find((n) => n.id === 'k')).toEqual({ id: 'k', kind: 'keyBy', parallelism: 2, task: 'f' });
  });

  it('rejects an invalid spec like Engine.start', () => {
    expect(() => describePlan({ specVersion: 1, name: 'x', nodes: [], edges: [] })).toThrow(InvalidSpecError);
  });
});
