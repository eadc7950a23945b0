import { describe, expect, it } from 'vitest';
import { applyCompletion, celCompletions } from './cel-completion';

const FIELDS = [
  { name: 'price', type: 'double' as const },
  { name: 'product_id', type: 'int' as const },
  { name: 'event_type', type: 'string' as const },
];
const labels = (text: string, caret = text.length, force = false) => celCompletions(text, caret, FIELDS, force).items.map((c) => c.label);

describe('CEL autocomplete', () => {
  it('offers input fields and global functions for the word at the caret, prefix matches first', () => {
    expect(labels('pr')).toEqual(['price', 'product_id']);
    expect(labels('price > 1 && s')).toEqual(['size', 'string', 'has', 'matches']);
    expect(labels('in')).toEqual(['int', 'string']);
    expect(celCompletions('pri', 3, FIELDS).items[0]).toMatchObject({ insert: 'price', detail: 'double', kind: 'field' });
  });

  it('offers methods and macros after a dot', () => {
    expect(labels('event_type.')).toEqual(['contains', 'startsWith', 'endsWith', 'matches', 'size', 'exists', 'all', 'map', 'filter']);
    expect(labels('event_type.st')).toEqual(['startsWith', 'exists']);
    expect(labels('xs.ex')).toEqual(['exists']);
  });

  it('stays quiet inside strings, after numbers and on an empty word unless forced', () => {
    expect(labels("event_type == 'pr")).toEqual([]);
    expect(labels('price > 1e')).toEqual([]);
    expect(labels('price > ')).toEqual([]);
    expect(labels('price > ', 8, true)).toContain('event_type');
    expect(labels('price')).toEqual([]); // already complete
  });

  it('replaces the whole word under the caret and puts the caret after the insert', () => {
    const text = 'evt == 1';
    const r = celCompletions(text, 2, FIELDS);
    expect(r).toMatchObject({ from: 0, to: 3 });
    expect(applyCompletion(text, r, r.items[0]!)).toEqual({ text: 'event_type == 1', caret: 10 });
    const m = celCompletions('event_type.sta', 14, FIELDS);
    expect(applyCompletion('event_type.sta', m, m.items[0]!)).toEqual({ text: 'event_type.startsWith(', caret: 22 });
  });
});
