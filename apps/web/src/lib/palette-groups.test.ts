import { describe, expect, it } from 'vitest';
import { paletteGroups } from './palette-groups';

const shape = (q: string) => paletteGroups(q).map((g) => `${g.title}: ${g.defs.map((d) => d.kind).join(' ')}`);

describe('palette groups and search', () => {
  it('groups the catalog by category in palette order', () => {
    expect(shape('')).toEqual([
      'Sources: source.datagen source.file source.kafka source.nexmark',
      'Transforms: map filter reduce dedupe over',
      'Keys & Windows: keyBy window.tumbling window.sliding window.session window.global',
      'Joins: join.regular join.interval join.window',
      'Sinks: sink.file sink.kafka sink.postgres sink.collect',
    ]);
  });

  it('filters by label, kind and description, case-insensitively, every word', () => {
    expect(shape('Tumbling')).toEqual(['Keys & Windows: window.tumbling', 'Joins: join.window']);
    expect(shape('sink.coll')).toEqual(['Sinks: sink.collect']);
    expect(shape('expression true')).toEqual(['Transforms: filter']); // "…for which the expression is true"
    expect(shape('no-such-operator')).toEqual([]);
  });
});
