import { validateSpec } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { pipeline } from '../../test/helpers.js';
import { exchangeProjection } from './exchange-projection.js';
import { buildLogicalGraph } from './logical-graph.js';

/** The projection of node `w` in source → keyBy(user_id) → w → sink. */
function projectionOf(kind: string, params: Record<string, unknown>): string[] | undefined {
  const v = validateSpec(
    pipeline([
      { id: 'src', kind: 'source.datagen' },
      { id: 'k', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'w', kind, params },
      { id: 'out', kind: 'sink.collect' },
    ]),
  );
  expect(v.errors).toEqual([]);
  return exchangeProjection(buildLogicalGraph(v.spec!, v).byId.get('w')!);
}

describe('exchange projection', () => {
  it('a window of counts needs no field; count_distinct, first and last of a field need that field', () => {
    expect(projectionOf('window.tumbling', { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] })).toEqual([]);
    expect(
      projectionOf('window.sliding', {
        size: '10s',
        slide: '5s',
        aggregate: [
          { fn: 'count', as: 'n' },
          { fn: 'count_distinct', field: 'product_id', as: 'products' },
          { fn: 'first', field: 'event_type', as: 'first' },
          { fn: 'last', field: 'product_id', as: 'last' },
        ],
      }),
    ).toEqual(['product_id', 'event_type']);
    expect(projectionOf('window.session', { gap: '1s', aggregate: [{ fn: 'count', as: 'n' }] })).toEqual([]);
  });

  it('whole records for aggregates that can dead-letter a record or keep it, and for every other kind', () => {
    // sum/min/max/avg dead-letter a record whose value is not a number; an expression can fail;
    // top_n keeps whole records.
    for (const a of [
      { fn: 'sum', field: 'price', as: 'x' },
      { fn: 'avg', field: 'price', as: 'x' },
      { fn: 'first', field: 'price * 2.0', as: 'x' },
      { fn: 'top_n', field: 'price', n: 2, as: 'x' },
    ])
      expect(projectionOf('window.tumbling', { size: '10s', aggregate: [{ fn: 'count', as: 'n' }, a] }), a.fn).toBeUndefined();
    expect(projectionOf('reduce', { aggregate: [{ fn: 'count', as: 'n' }] })).toBeUndefined();
    expect(projectionOf('filter', { expr: 'price > 1.0' })).toBeUndefined();
  });
});
