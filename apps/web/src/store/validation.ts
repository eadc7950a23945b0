import { validateSpec, type Field, type FieldType, type NodeTypeInfo, type SpecValidation } from '@riffle/shared';
import type { EditorGraph } from './graph-types';
import { toSpec } from './serialize';

/** A problem from `validateSpec` or from the server's 400 answer. */
export interface Problem {
  path: string;
  message: string;
  code?: string;
  nodeId?: string;
}

/** A problem with the node it belongs to and, for params, the dotted field path (`aggregate.0.as`). */
export interface LocatedProblem extends Problem {
  /** Dotted path below the node's params; `''` is params itself; absent when not about params. */
  field?: string;
  source: 'client' | 'server';
}

export interface GraphValidation {
  ok: boolean;
  errors: LocatedProblem[];
  types: Record<string, NodeTypeInfo>;
  byNode: ReadonlyMap<string, LocatedProblem[]>;
  raw: SpecValidation;
}

/** Splits a JSONPath such as `$.nodes[2].params["a b"][0]` into its keys. */
export function parseJsonPath(path: string): Array<string | number> | undefined {
  if (!path.startsWith('$')) return undefined;
  const out: Array<string | number> = [];
  const re = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
  }
  return out;
}

/** Finds the node (by id, else by `$.nodes[i]`) and the params field a problem is about. */
export function locateProblem(p: Problem, nodeIds: readonly string[], source: LocatedProblem['source'] = 'client'): LocatedProblem {
  const out: LocatedProblem = { ...p, source };
  const keys = parseJsonPath(p.path);
  if (keys && keys[0] === 'nodes' && typeof keys[1] === 'number') {
    const id = nodeIds[keys[1]];
    if (out.nodeId === undefined && id !== undefined) out.nodeId = id;
    if (keys[2] === 'params' && (out.nodeId === undefined || out.nodeId === id)) out.field = keys.slice(3).join('.');
  }
  return out;
}

/** Locates every problem and groups them by node. */
export function locateProblems(problems: readonly Problem[], nodeIds: readonly string[], source: LocatedProblem['source']): LocatedProblem[] {
  return problems.map((p) => locateProblem(p, nodeIds, source));
}

export function groupByNode(problems: readonly LocatedProblem[]): Map<string, LocatedProblem[]> {
  const byNode = new Map<string, LocatedProblem[]>();
  for (const p of problems) {
    if (p.nodeId === undefined) continue;
    const list = byNode.get(p.nodeId);
    if (list) list.push(p);
    else byNode.set(p.nodeId, [p]);
  }
  return byNode;
}

const cache = new WeakMap<EditorGraph, GraphValidation>();

/**
 * Validates the canvas with the shared validator. Cached per graph object: the graph is
 * immutable, so every component asking about the same revision shares one run.
 */
export function validateGraph(graph: EditorGraph): GraphValidation {
  const hit = cache.get(graph);
  if (hit) return hit;
  const raw = validateSpec(toSpec(graph));
  const errors = locateProblems(raw.errors, graph.nodes.map((n) => n.id), 'client');
  const result: GraphValidation = { ok: raw.ok, errors, types: raw.types, byNode: groupByNode(errors), raw };
  cache.set(graph, result);
  return result;
}

/** Fields flowing into a node: the outputs of the nodes feeding it. */
export function inputFields(graph: EditorGraph, types: GraphValidation['types'], nodeId: string): Field[] {
  const seen = new Map<string, FieldType>();
  for (const e of graph.edges) {
    if (e.to !== nodeId) continue;
    for (const f of types[e.from]?.output.fields ?? []) if (!seen.has(f.name)) seen.set(f.name, f.type);
  }
  return [...seen].map(([name, type]) => ({ name, type }));
}
