import { describe, expect, it } from 'vitest';
import { createEditorStore } from './editor-store';
import { fieldSuggestions, selectFieldChoices, selectInputFields, selectOutputSchema } from './schema-selectors';
import { demoGraph } from './serialize';

const names = (fs: ReadonlyArray<{ name: string; type?: string }>) => fs.map((f) => f.name);

describe('schema propagation selectors', () => {
  it('gives each node its output fields, following edits upstream', () => {
    const store = createEditorStore(demoGraph());
    const out = (id: string) => selectOutputSchema(store.getState(), id)!.fields.map((f) => `${f.name}:${f.type}`);
    expect(out('clicks')).toEqual(['user_id:int', 'product_id:int', 'event_type:string', 'price:double', 'ts:int']);
    expect(out('perWindow')).toEqual(['key:int', 'window_start:int', 'window_end:int', 'sales:int', 'revenue:double']);
    store.getState().setParam('perWindow', ['aggregate', 1, 'as'], 'total');
    expect(out('perWindow')).toContain('total:double');
    expect(out('preview')).toContain('total:double');
  });

  it('offers the upstream output as input fields, and nothing for an unconnected node', () => {
    const store = createEditorStore(demoGraph());
    expect(names(selectInputFields(store.getState(), 'preview'))).toEqual(['key', 'window_start', 'window_end', 'sales', 'revenue']);
    expect(selectInputFields(store.getState(), 'clicks')).toEqual([]);
    const id = store.getState().addNode('filter')!;
    expect(selectInputFields(store.getState(), id)).toEqual([]);
    store.getState().connect({ from: 'byProduct', to: id });
    expect(names(selectInputFields(store.getState(), id))).toEqual(['user_id', 'product_id', 'event_type', 'price', 'ts']);
  });

  it('offers a source its own fields (for its timestamp), anything else its input fields', () => {
    const store = createEditorStore(demoGraph());
    expect(names(selectFieldChoices(store.getState(), 'clicks'))).toEqual(['user_id', 'product_id', 'event_type', 'price', 'ts']);
    expect(names(selectFieldChoices(store.getState(), 'preview'))).toEqual(['key', 'window_start', 'window_end', 'sales', 'revenue']);
    expect(selectFieldChoices(store.getState(), 'clicks')).toBe(selectFieldChoices(store.getState(), 'clicks'));
  });

  it('is stable per graph revision (safe as a zustand selector)', () => {
    const store = createEditorStore(demoGraph());
    expect(selectInputFields(store.getState(), 'perWindow')).toBe(selectInputFields(store.getState(), 'perWindow'));
  });

  it('suggests field names for a field-name param: prefix matches first', () => {
    const store = createEditorStore(demoGraph());
    const fields = selectInputFields(store.getState(), 'byProduct');
    expect(names(fieldSuggestions(fields, ''))).toEqual(['user_id', 'product_id', 'event_type', 'price', 'ts']);
    expect(names(fieldSuggestions(fields, 'p'))).toEqual(['product_id', 'price', 'event_type']);
    expect(names(fieldSuggestions(fields, 'PRI'))).toEqual(['price']);
    expect(names(fieldSuggestions(fields, 'price'))).toEqual([]);
  });
});
