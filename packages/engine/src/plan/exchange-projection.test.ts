import { validateSpec } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { pipeline } from '../../test/helpers.js';
import { exchangeProjection, type Projection } from './exchange-projection.js';
import { buildLogicalGraph } from './logical-graph.js';

/** The projection of node `w` in source → keyBy(user_id) → w → sink. */
function projectionOf(kind: string, params: Record<string, unknown>): Projection | undefined {
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
  it('a window of counts needs no field; other aggregates of a plain field need that field', () => {
    expect(projectionOf('window.tumbling', { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] })).toEqual({ fields: [], numeric: [] });
    expect(
      projectionOf('window.sliding', {
        size: '10s',
        slide: '5s',
        aggregate: [
          { fn: 'count', as: 'n' },
          { fn: 'count_distinct', field: 'product_id', as: 'products' },
          { fn: 'first', field: 'event_type', as: 'first' },
          { fn: 'last', field: 'product_id', as: 'last' },
          { fn: 'sum', field: 'price', as: 'total' },
          { fn: 'max', field: 'price', as: 'top' },
        ],
      }),
    ).toEqual({ fields: ['product_id', 'event_type', 'price'], numeric: ['price'] });
    expect(projectionOf('window.session', { gap: '1s', aggregate: [{ fn: 'avg', field: 'price', as: 'a' }] })).toEqual({ fields: ['price'], numeric: ['price'] });
  });

  it('whole records for expressions (they can fail on any field) and top_n (it keeps records), and for every other kind', () => {
    for (const a of [
      { fn: 'sum', field: 'price * 2.0', as: 'x' },
      { fn: 'first', field: 'price * 2.0', as: 'x' },
      { fn: 'top_n', field: 'price', n: 2, as: 'x' },
    ])
      expect(projectionOf('window.tumbling', { size: '10s', aggregate: [{ fn: 'count', as: 'n' }, a] }), a.fn).toBeUndefined();
    expect(projectionOf('reduce', { aggregate: [{ fn: 'count', as: 'n' }] })).toBeUndefined();
    expect(projectionOf('filter', { expr: 'price > 1.0' })).toBeUndefined();
  });
});
