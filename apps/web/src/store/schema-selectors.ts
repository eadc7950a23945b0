import { getOperator, type Field, type RecordSchema } from '@riffle/shared';
import type { EditorState } from './editor-store';
import type { EditorGraph } from './graph-types';
import { inputFields, validateGraph } from './validation';

const inputCache = new WeakMap<EditorGraph, Map<string, Field[]>>();

/**
 * The fields flowing into a node (the outputs of the nodes feeding it), from schema propagation
 * in the shared validator. Cached per graph revision, so it is a stable selector result.
 * @example useEditor((s) => selectInputFields(s, 'byProduct')) // [{ name: 'user_id', type: 'int' }, …]
 */
export function selectInputFields(s: Pick<EditorState, 'graph'>, nodeId: string): Field[] {
  let byNode = inputCache.get(s.graph);
  if (!byNode) inputCache.set(s.graph, (byNode = new Map()));
  let fields = byNode.get(nodeId);
  if (!fields) byNode.set(nodeId, (fields = inputFields(s.graph, validateGraph(s.graph).types, nodeId)));
  return fields;
}

const choiceCache = new WeakMap<EditorGraph, Map<string, Field[]>>();

/**
 * The field names a node's field-name params choose from: its input fields, or for a source
 * (no inputs; its `timestamp` names one of its own fields) the fields it emits.
 */
export function selectFieldChoices(s: Pick<EditorState, 'graph'>, nodeId: string): Field[] {
  const node = s.graph.nodes.find((n) => n.id === nodeId);
  if (!node || getOperator(node.kind)?.inputs.length !== 0) return selectInputFields(s, nodeId);
  let byNode = choiceCache.get(s.graph);
  if (!byNode) choiceCache.set(s.graph, (byNode = new Map()));
  let fields = byNode.get(nodeId);
  if (!fields) byNode.set(nodeId, (fields = [...(selectOutputSchema(s, nodeId)?.fields ?? [])]));
  return fields;
}

/** The record schema a node emits (a sink: what it receives); `undefined` when not known. */
export function selectOutputSchema(s: Pick<EditorState, 'graph'>, nodeId: string): RecordSchema | undefined {
  return validateGraph(s.graph).types[nodeId]?.output;
}

/**
 * Input field names to offer for a field-name param (keyBy `key`, aggregate `field`, source
 * `timestamp`) given what has been typed: prefix matches first, then other matches.
 */
export function fieldSuggestions(fields: readonly Field[], typed: string): Field[] {
  const q = typed.trim().toLowerCase();
  if (q === '') return [...fields];
  const prefix = fields.filter((f) => f.name.toLowerCase().startsWith(q));
  const inner = fields.filter((f) => !f.name.toLowerCase().startsWith(q) && f.name.toLowerCase().includes(q));
  return [...prefix, ...inner].filter((f) => f.name !== typed);
}
