import { describe, expect, it } from 'vitest';
import { createEditorStore } from './editor-store';
import { currentSaved } from './saved-slice';
import { demoGraph, toSpec } from './serialize';

const specNamed = (name: string) => ({ ...toSpec(demoGraph()), name });

describe('saved pipelines slice', () => {
  it('opening a saved version loads it onto the canvas and starts the undo history afresh', () => {
    const store = createEditorStore(demoGraph());
    store.getState().addNode('filter', { x: 0, y: 0 });
    expect(store.temporal.getState().pastStates.length).toBeGreaterThan(0);

    const r = store.getState().pipelineOpened({ id: 'p-1', version: 3, spec: specNamed('orders') });
    expect(r).toEqual({ ok: true });
    const s = store.getState();
    expect(s.graph.name).toBe('orders');
    expect(s.graph.nodes.map((n) => n.id)).toEqual(demoGraph().nodes.map((n) => n.id));
    expect(store.temporal.getState().pastStates).toHaveLength(0);
    expect(currentSaved(s)).toEqual({ id: 'p-1', version: 3 });
    // Undo has nothing to go back to: the filter added before opening does not come back.
    s.undo();
    expect(store.getState().graph.name).toBe('orders');
  });

  it('a spec that cannot be drawn is refused and changes nothing', () => {
    const store = createEditorStore(demoGraph());
    const r = store.getState().pipelineOpened({ id: 'p-1', version: 1, spec: { nodes: 'nope' } });
    expect(r.ok).toBe(false);
    expect(currentSaved(store.getState())).toBeUndefined();
    expect(store.getState().graph).toEqual(demoGraph());
  });

  it('tracks the version through saves, and a first save keeps the undo history', () => {
    const store = createEditorStore(demoGraph());
    store.getState().rename('mine');
    expect(currentSaved(store.getState())).toBeUndefined();
    store.getState().saveStarted();
    expect(store.getState().saved.busy).toBe(true);
    store.getState().saveSucceeded('p-9', 1);
    expect(currentSaved(store.getState())).toEqual({ id: 'p-9', version: 1 });
    expect(store.getState().saved.busy).toBe(false);
    expect(store.temporal.getState().pastStates.length).toBeGreaterThan(0);
    store.getState().saveSucceeded('p-9', 2);
    expect(currentSaved(store.getState())).toEqual({ id: 'p-9', version: 2 });
  });

  it('keeps the base version on a conflict until the user chooses', () => {
    const store = createEditorStore(demoGraph());
    store.getState().pipelineOpened({ id: 'p-1', version: 1, spec: specNamed('shared') });
    store.getState().saveStarted();
    store.getState().saveConflict({ currentVersion: 2, message: 'someone saved version 2' });
    const s = store.getState();
    expect(s.saved.conflict).toEqual({ currentVersion: 2, message: 'someone saved version 2' });
    expect(s.saved.busy).toBe(false);
    expect(currentSaved(s)).toEqual({ id: 'p-1', version: 1 });
    s.dismissConflict();
    expect(store.getState().saved.conflict).toBeUndefined();
    // Overwrite succeeded: version 3, conflict gone.
    store.getState().saveConflict({ currentVersion: 2, message: 'again' });
    store.getState().saveSucceeded('p-1', 3);
    expect(store.getState().saved.conflict).toBeUndefined();
    expect(currentSaved(store.getState())).toEqual({ id: 'p-1', version: 3 });
  });

  it('loading something else (New, a template, an import) detaches the canvas from the saved pipeline', () => {
    const store = createEditorStore(demoGraph());
    store.getState().pipelineOpened({ id: 'p-1', version: 4, spec: specNamed('orders') });
    // Edits keep it attached: the next save is version 5 of the same pipeline.
    store.getState().addNode('filter', { x: 0, y: 0 });
    expect(currentSaved(store.getState())).toEqual({ id: 'p-1', version: 4 });
    store.getState().newPipeline();
    expect(currentSaved(store.getState())).toBeUndefined();
  });
});
