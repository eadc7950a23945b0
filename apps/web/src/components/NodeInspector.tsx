import { getOperator, paramsJsonSchema } from '@riffle/shared';
import { useMemo } from 'react';
import { buildForm, formKeys, type JsonSchema } from '../form/form-model';
import { useEditor } from '../hooks/useEditor';
import { useEditorStore } from '../hooks/useEditorStore';
import { useProblems } from '../hooks/useProblems';
import { useValidation } from '../hooks/useValidation';
import type { EditorNode } from '../store/graph-types';
import { selectFieldChoices } from '../store/schema-selectors';
import { inputFields, type LocatedProblem } from '../store/validation';
import { FieldList } from './FieldList';
import { FieldView } from './FieldView';
import { CategoryIcon } from './Icon';
import { KAFKA_KINDS, KafkaTopicTools } from './KafkaTopicTools';
import type { FormContext } from './form-context';

const schemas = new Map<string, JsonSchema | undefined>();
function schemaOf(kind: string): JsonSchema | undefined {
  if (!schemas.has(kind)) schemas.set(kind, paramsJsonSchema(kind) as JsonSchema | undefined);
  return schemas.get(kind);
}

/** Splits a node's problems into inline (under a rendered field) and node-level ones. */
function splitProblems(problems: LocatedProblem[], keys: Set<string>) {
  const inline = new Map<string, string[]>();
  const nodeLevel: LocatedProblem[] = [];
  for (const p of problems) {
    if (p.field !== undefined && p.field !== '' && keys.has(p.field)) inline.set(p.field, [...(inline.get(p.field) ?? []), p.message]);
    else nodeLevel.push(p);
  }
  return { inline, nodeLevel };
}

/** Label, generated params form, inline problems and the node's input/output fields. */
export function NodeInspector({ nodeId }: { nodeId: string }) {
  const node = useEditor((s) => s.graph.nodes.find((n) => n.id === nodeId));
  return node ? <NodeInspectorBody node={node} /> : null;
}

function NodeInspectorBody({ node }: { node: EditorNode }) {
  const nodeId = node.id;
  const store = useEditorStore();
  const graph = useEditor((s) => s.graph);
  const validation = useValidation();
  const allProblems = useProblems();
  const def = getOperator(node.kind);
  const schema = schemaOf(node.kind);
  const form = useMemo(() => (schema ? buildForm(schema, node.params) : []), [schema, node.params]);
  const problems = useMemo(() => allProblems.filter((p) => p.nodeId === nodeId), [allProblems, nodeId]);
  const { inline, nodeLevel } = useMemo(() => splitProblems(problems, formKeys(form)), [problems, form]);
  const inputs = useMemo(() => inputFields(graph, validation.types, nodeId), [graph, validation, nodeId]);
  const outputs = validation.types[nodeId]?.output;
  const fieldChoices = useEditor((s) => selectFieldChoices(s, nodeId));
  const ctx: FormContext = {
    nodeId,
    errors: inline,
    inputFields: fieldChoices,
    onChange: (path, value) => store.getState().setParam(nodeId, path, value),
  };

  return (
    <div className="inspector__body">
      <header className="inspector__head">
        <div className={`inspector__title cat-${def?.category ?? 'unknown'}`}>
          <CategoryIcon category={def?.category} size={16} />
          <h2>{node.label ?? node.id}</h2>
        </div>
        <span className={`kind-chip cat-${def?.category ?? 'unknown'}`}>{node.kind}</span>
        {def && <p className="muted">{def.description}</p>}
      </header>
      {nodeLevel.length > 0 && (
        <ul className="node-errors" data-testid="node-errors">
          {nodeLevel.map((p, i) => (
            <li key={i} data-testid="node-error">
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <section className="inspector__section">
        <div className="param">
          <label htmlFor="node-id">id</label>
          <input id="node-id" className="mono" value={node.id} readOnly data-testid="node-id" />
        </div>
        <div className="param">
          <label htmlFor="node-label">label</label>
          <input id="node-label" value={node.label ?? ''} placeholder={node.id} data-testid="node-label" onChange={(e) => store.getState().setLabel(nodeId, e.target.value || undefined)} />
        </div>
      </section>
      <section className="inspector__section" data-testid="param-form">
        <h3 className="section-title">Parameters</h3>
        {!schema && <p className="muted">Unknown operator kind: no parameters to edit.</p>}
        {form.map((f) => (
          <FieldView key={f.key} field={f} ctx={ctx} />
        ))}
      </section>
      {KAFKA_KINDS.has(node.kind) && <KafkaTopicTools key={nodeId} node={node} />}
      {def && def.inputs.length > 0 && <FieldList title="Input fields" fields={inputs} testId="input-fields" empty="Connect an input to see its fields." />}
      {def && def.outputs.length > 0 && (
        <FieldList title="Output fields" fields={outputs?.fields ?? []} open={outputs?.open ?? false} testId="output-fields" empty="Not known until the node is valid." />
      )}
      <button type="button" className="danger-button" data-testid="delete-node" onClick={() => store.getState().removeNodes([nodeId])}>
        Delete node
      </button>
    </div>
  );
}
