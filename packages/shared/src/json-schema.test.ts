import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog/index.js';
import { parseDuration, formatDuration } from './duration.js';
import { jobSpecJsonSchema, paramsJsonSchema } from './json-schema.js';

describe('JSON Schema export', () => {
  it('exports a params schema for every catalog entry', () => {
    for (const def of CATALOG) {
      const s = paramsJsonSchema(def.kind)!;
      expect(s.type, def.kind).toBe('object');
    }
    const tumbling = paramsJsonSchema('window.tumbling') as any;
    expect(tumbling.required).toEqual(['size', 'aggregate']);
    expect(tumbling.properties.aggregate.items.properties.fn.enum).toContain('avg');
  });

  it('exports the whole spec with a oneOf by node kind', () => {
    const s = jobSpecJsonSchema() as any;
    expect(s.required).toEqual(expect.arrayContaining(['specVersion', 'name', 'nodes', 'edges']));
    expect(s.properties.nodes.items.oneOf).toHaveLength(CATALOG.length);
  });
});

describe('durations', () => {
  it('parses and formats', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('10 parsecs')).toBeUndefined();
    expect(formatDuration(60_000)).toBe('1m');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});
