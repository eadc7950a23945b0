import { CLICKSTREAM_SCHEMA } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { harness } from '../../test/harness.js';
import { FilterOperator } from './filter.js';
import { KeyByOperator } from './key-by.js';
import { MapOperator } from './map.js';

const click = { user_id: 7, product_id: 3, event_type: 'purchase', price: 10.5, ts: 1000 };
const view = { ...click, event_type: 'view', price: 2 };

describe('filter', () => {
  it('keeps records for which the CEL expression is true, with their timestamp and key', () => {
    const h = harness((ctx) => new FilterOperator({ expr: "event_type == 'purchase' && price > 5.0" }, ctx), { schema: CLICKSTREAM_SCHEMA });
    h.op.processElement(click, 1000, 'k');
    h.op.processElement(view, 2000, 'k');
    expect(h.records).toEqual([{ value: click, timestamp: 1000, key: 'k' }]);
    expect(h.deadLetters).toEqual([]);
  });
});

describe('map', () => {
  it('projects onto computed fields', () => {
    const h = harness(
      (ctx) => new MapOperator({ fields: [{ as: 'user', expr: 'user_id' }, { as: 'gross', expr: 'price * 1.2' }, { as: 'big', expr: 'price > 5.0' }], keepInput: false }, ctx),
      { schema: CLICKSTREAM_SCHEMA },
    );
    h.op.processElement(click, 1000, undefined);
    expect(h.values()).toEqual([{ user: 7, gross: 12.6, big: true }]);
    expect(h.records[0]!.timestamp).toBe(1000);
  });

  it('keeps and overwrites input fields with keepInput, without mutating the input', () => {
    const h = harness((ctx) => new MapOperator({ fields: [{ as: 'price', expr: 'price * 2.0' }, { as: 'tag', expr: "'x'" }], keepInput: true }, ctx), {
      schema: CLICKSTREAM_SCHEMA,
    });
    const input = { ...click };
    h.op.processElement(input, 0, undefined);
    expect(h.values()).toEqual([{ ...click, price: 21, tag: 'x' }]);
    expect(input).toEqual(click);
  });
});

describe('keyBy', () => {
  it('attaches the key from a field', () => {
    const h = harness((ctx) => new KeyByOperator({ key: 'product_id' }, ctx), { schema: CLICKSTREAM_SCHEMA });
    h.op.processElement(click, 5);
    expect(h.records).toEqual([{ value: click, timestamp: 5, key: 3 }]);
  });

  it('attaches the key from a CEL expression', () => {
    const h = harness((ctx) => new KeyByOperator({ key: "event_type + '/' + string(product_id)" }, ctx), { schema: CLICKSTREAM_SCHEMA });
    h.op.processElement(click, 5);
    expect(h.records[0]!.key).toBe('purchase/3');
  });

  it('dead-letters a record without a key', () => {
    const h = harness((ctx) => new KeyByOperator({ key: 'user' }, ctx));
    h.op.processElement({ other: 1 }, 5);
    h.op.processElement({ user: 'a' }, 6);
    expect(h.records.map((r) => r.key)).toEqual(['a']);
    expect(h.deadLetters).toEqual([{ record: { other: 1 }, error: 'key is missing or null' }]);
    expect(h.counters.deadLettered).toBe(1);
  });
});
