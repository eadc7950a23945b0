import { describe, expect, it } from 'vitest';
import type { JobSpecInput } from '../spec.schema.js';
import { validateSpec } from '../validate.js';

const reduceSpec = (params: Record<string, unknown>): JobSpecInput => ({
  specVersion: 1,
  name: 'reduce',
  config: {},
  nodes: [
    { id: 'src', kind: 'source.datagen', params: { profile: 'clickstream', timestamp: 'ts' } },
    { id: 'k', kind: 'keyBy', params: { key: 'product_id' } },
    { id: 'r', kind: 'reduce', params: { aggregate: [{ fn: 'avg', field: 'price', as: 'avg' }], ...params } },
    { id: 'out', kind: 'sink.collect', params: {} },
  ],
  edges: [
    { from: 'src', to: 'k' },
    { from: 'k', to: 'r' },
    { from: 'r', to: 'out' },
  ],
});

describe('reduce upsertKey', () => {
  it('accepts a field or an expression of the input', () => {
    expect(validateSpec(reduceSpec({ upsertKey: 'user_id' })).errors).toEqual([]);
    expect(validateSpec(reduceSpec({ upsertKey: "string(user_id) + '-' + event_type" })).errors).toEqual([]);
  });

  it('names the param when the field is unknown', () => {
    const errors = validateSpec(reduceSpec({ upsertKey: 'nope' })).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toContain('upsertKey');
    expect(errors[0]!.message).toMatch(/no field "nope"/);
  });
});
