import { describe, expect, it } from 'vitest';
import { createEditorStore } from './editor-store';
import { demoGraph } from './serialize';
import { inputFields, locateProblem, parseJsonPath, validateGraph } from './validation';

describe('validation mapping', () => {
  it('parses JSONPaths', () => {
    expect(parseJsonPath('$.nodes[2].params.aggregate[0].as')).toEqual(['nodes', 2, 'params', 'aggregate', 0, 'as']);
    expect(parseJsonPath('$.nodes[0].params["a b"]')).toEqual(['nodes', 0, 'params', 'a b']);
    expect(parseJsonPath('$')).toEqual([]);
    expect(parseJsonPath('nodes.0')).toBeUndefined();
  });

  it('maps a problem to its node and params field', () => {
    const ids = ['clicks', 'purchases', 'byProduct', 'perWindow'];
    expect(locateProblem({ path: '$.nodes[3].params.aggregate[1].field', message: 'm' }, ids)).toMatchObject({ nodeId: 'perWindow', field: 'aggregate.1.field' });
    expect(locateProblem({ path: '$.nodes[1].params', message: 'm', nodeId: 'purchases' }, ids)).toMatchObject({ nodeId: 'purchases', field: '' });
    expect(locateProblem({ path: '$.nodes[2]', message: 'm' }, ids)).toMatchObject({ nodeId: 'byProduct' });
    expect(locateProblem({ path: '$.nodes[2]', message: 'm' }, ids).field).toBeUndefined();
    // Edge problems carry their node id but no field.
    expect(locateProblem({ path: '$.edges[0].toPort', message: 'm', nodeId: 'purchases' }, ids)).toMatchObject({ nodeId: 'purchases' });
    expect(locateProblem({ path: '$.nodes', message: 'no sink' }, ids).nodeId).toBeUndefined();
  });

  it('reports param errors under the field and graph errors on the node', () => {
    const store = createEditorStore(demoGraph());
    const s = store.getState();
    s.setParam('purchases', ['expr'], 'event_type ==');
    s.setParam('byProduct', ['key'], 'nope');
    s.setParam('perWindow', ['aggregate', 1, 'field'], undefined);
    s.addNode('filter');
    const v = validateGraph(store.getState().graph);
    expect(v.ok).toBe(false);
    const at = (id: string) => (v.byNode.get(id) ?? []).map((p) => p.field ?? p.path);
    expect(at('purchases')).toEqual(['expr']);
    expect(at('byProduct')).toEqual(['key']);
    expect(at('perWindow')).toEqual(['aggregate.1.field']);
    expect(v.byNode.get('byProduct')![0]!.message).toContain('no field "nope"');
    expect(at('filter_1')).toEqual(['$.nodes[5]', '$.nodes[5]']); // no input, output goes nowhere
  });

  it('is cached per graph revision', () => {
    const g = demoGraph();
    expect(validateGraph(g)).toBe(validateGraph(g));
  });

  it('offers the upstream fields as input fields', () => {
    const g = demoGraph();
    const v = validateGraph(g);
    expect(inputFields(g, v.types, 'byProduct').map((f) => f.name)).toEqual(['user_id', 'product_id', 'event_type', 'price', 'ts']);
    expect(v.types.perWindow!.output.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['key:int', 'window_start:int', 'window_end:int', 'sales:int', 'revenue:double']);
  });
});
