import type { z } from 'zod';
import { getOperator } from './catalog/index.js';
import type { OperatorDef, SchemaContext } from './catalog/types.js';
import type { FieldType, RecordSchema } from './fields.js';
import { buildGraph } from './graph.js';
import { toJsonPath } from './json-path.js';
import { partitioningProblem } from './partitioning.js';
import { migrateSpec } from './migrations/index.js';
import { DEFAULT_CHECKPOINT_TIMEOUT_MS, JobSpecSchema, type JobSpec, type NodeSpec } from './spec.schema.js';

export type SpecProblemCode =
  | 'schema'
  | 'unsupported_version'
  | 'unknown_kind'
  | 'duplicate_id'
  | 'dangling_edge'
  | 'duplicate_edge'
  | 'bad_port'
  | 'bad_partitioning'
  | 'cycle'
  | 'no_source'
  | 'no_sink'
  | 'no_input'
  | 'no_output'
  | 'incompatible_inputs'
  | 'bad_params'
  | 'bad_expression'
  | 'unknown_field';

/** One problem in a job spec, located by its JSON path. */
export interface SpecProblem {
  /** JSONPath of the offending value, e.g. `$.nodes[2].params.expr`. */
  path: string;
  message: string;
  code: SpecProblemCode;
  /** The node the problem belongs to, when there is one (for the builder to highlight it). */
  nodeId?: string;
}

export interface NodeTypeInfo {
  /** Schema of the records this node emits (sinks: the records they receive). */
  output: RecordSchema;
  /** Whether this node's output is keyed (it is a keyBy). */
  keyed: boolean;
  keyType?: FieldType;
  /** Side-output ports whose records differ from `output` (a window's `late` port: its input). */
  ports?: Record<string, RecordSchema>;
}

export interface SpecValidation {
  ok: boolean;
  /** The spec with defaults filled in; present when `ok`. */
  spec?: JobSpec;
  errors: SpecProblem[];
  /** Schema propagation result per node id, for every node that could be typed. */
  types: Record<string, NodeTypeInfo>;
}

function zodProblems(error: z.ZodError, prefix: PropertyKey[], nodeId?: string): SpecProblem[] {
  return error.issues.map((iss) => {
    const p: SpecProblem = {
      path: toJsonPath([...prefix, ...iss.path]),
      message: iss.message,
      code: prefix.length > 0 ? 'bad_params' : 'schema',
    };
    if (nodeId !== undefined) p.nodeId = nodeId;
    return p;
  });
}

/**
 * Validates a job spec and returns every problem with its JSON path, plus the record schema
 * flowing out of each node. Used by the browser (inline errors), the server (400) and the engine.
 * @example
 * const r = validateSpec(JSON.parse(text));
 * if (!r.ok) for (const e of r.errors) console.log(e.path, e.message);
 */
export function validateSpec(input: unknown): SpecValidation {
  const migrated = migrateSpec(input);
  if (!migrated.ok) return { ok: false, errors: [migrated.problem], types: {} };
  const parsed = JobSpecSchema.safeParse(migrated.spec);
  if (!parsed.success) return { ok: false, errors: zodProblems(parsed.error, []), types: {} };
  const spec = parsed.data;
  const errors: SpecProblem[] = [];
  const push = (path: PropertyKey[], code: SpecProblemCode, message: string, nodeId?: string) =>
    errors.push(nodeId === undefined ? { path: toJsonPath(path), code, message } : { path: toJsonPath(path), code, message, nodeId });

  // Nodes: unique ids, known kinds, valid params.
  const defs = new Map<string, OperatorDef<any>>();
  const params = new Map<string, Record<string, unknown>>();
  const seen = new Set<string>();
  spec.nodes.forEach((n, i) => {
    if (seen.has(n.id)) push(['nodes', i, 'id'], 'duplicate_id', `node id "${n.id}" is used more than once`, n.id);
    seen.add(n.id);
    const def = getOperator(n.kind);
    if (!def) {
      push(['nodes', i, 'kind'], 'unknown_kind', `unknown operator kind "${n.kind}"`, n.id);
      return;
    }
    defs.set(n.id, def);
    const pr = def.params.safeParse(n.params);
    if (!pr.success) errors.push(...zodProblems(pr.error, ['nodes', i, 'params'], n.id));
    else params.set(n.id, pr.data as Record<string, unknown>);
  });
  const nodeIndex = new Map<string, number>();
  spec.nodes.forEach((n, i) => {
    if (!nodeIndex.has(n.id)) nodeIndex.set(n.id, i);
  });

  // Edges: both ends exist, ports exist, no duplicates, partitioning possible.
  const parallelismOf = (n: NodeSpec) => n.parallelism ?? spec.config.parallelism;
  const edgeKeys = new Set<string>();
  spec.edges.forEach((e, i) => {
    const from = spec.nodes.find((n) => n.id === e.from);
    const to = spec.nodes.find((n) => n.id === e.to);
    if (!from) push(['edges', i, 'from'], 'dangling_edge', `edge starts at unknown node "${e.from}"`);
    if (!to) push(['edges', i, 'to'], 'dangling_edge', `edge ends at unknown node "${e.to}"`);
    if (!from || !to) return;
    const key = `${e.from}:${e.fromPort ?? ''}->${e.to}:${e.toPort ?? ''}`;
    if (edgeKeys.has(key)) push(['edges', i], 'duplicate_edge', `edge ${e.from} → ${e.to} appears twice`, e.to);
    edgeKeys.add(key);
    const fromDef = defs.get(from.id);
    const toDef = defs.get(to.id);
    if (fromDef) {
      if (fromDef.outputs.length === 0) push(['edges', i, 'from'], 'bad_port', `"${from.id}" is a sink and has no output`, from.id);
      else if (e.fromPort !== undefined && !fromDef.outputs.some((p) => p.name === e.fromPort))
        push(['edges', i, 'fromPort'], 'bad_port', `"${from.id}" has no output port "${e.fromPort}" (ports: ${fromDef.outputs.map((p) => p.name).join(', ')})`, from.id);
    }
    if (toDef) {
      if (toDef.inputs.length === 0) push(['edges', i, 'to'], 'bad_port', `"${to.id}" is a source and takes no input`, to.id);
      else if (e.toPort !== undefined && !toDef.inputs.some((p) => p.name === e.toPort))
        push(['edges', i, 'toPort'], 'bad_port', `"${to.id}" has no input port "${e.toPort}" (ports: ${toDef.inputs.map((p) => p.name).join(', ')})`, to.id);
      else if (e.toPort === undefined && toDef.inputs.length > 1)
        push(['edges', i, 'toPort'], 'bad_port', `"${to.id}" has several inputs; name one in toPort (${toDef.inputs.map((p) => p.name).join(', ')})`, to.id);
    }
    const partitioningError = partitioningProblem({ fromKind: from.kind, fromParallelism: parallelismOf(from), toParallelism: parallelismOf(to) }, e.partitioning);
    if (partitioningError) push(['edges', i, 'partitioning'], 'bad_partitioning', `${e.from} → ${e.to}: ${partitioningError}`, to.id);
  });

  const graph = buildGraph(spec);
  if (graph.order === undefined) {
    const first = graph.cycleEdges[0]!;
    const ids = [...new Set(graph.cycleEdges.flatMap((e) => [e.from, e.to]))];
    push(['edges', first.index], 'cycle', `the graph has a cycle through ${ids.join(', ')}; a pipeline must flow one way`, first.to);
  }

  // Sources, sinks and connectivity.
  const isSource = (id: string) => defs.get(id)?.category === 'source';
  const isSink = (id: string) => defs.get(id)?.category === 'sink';
  if (spec.nodes.length > 0 && !spec.nodes.some((n) => isSource(n.id))) push(['nodes'], 'no_source', 'the pipeline needs at least one source');
  if (spec.nodes.length > 0 && !spec.nodes.some((n) => isSink(n.id))) push(['nodes'], 'no_sink', 'the pipeline needs at least one sink');
  if (spec.nodes.length === 0) push(['nodes'], 'no_source', 'the pipeline is empty: add a source, some steps and a sink');
  spec.nodes.forEach((n, i) => {
    const def = defs.get(n.id);
    if (!def || nodeIndex.get(n.id) !== i) return;
    if (def.inputs.length > 0 && (graph.inEdges.get(n.id)?.length ?? 0) === 0)
      push(['nodes', i], 'no_input', `"${n.id}" has no input: connect something to it`, n.id);
    if (def.inputs.length > 1) {
      for (const port of def.inputs)
        if (!graph.inEdges.get(n.id)!.some((e) => e.toPort === port.name))
          push(['nodes', i], 'no_input', `"${n.id}" needs an input on port "${port.name}"`, n.id);
    }
    if (def.outputs.length > 0 && (graph.outEdges.get(n.id)?.length ?? 0) === 0)
      push(['nodes', i], 'no_output', `the output of "${n.id}" goes nowhere: connect it to a step or a sink`, n.id);
  });

  // Schema propagation and expression checks, in topological order.
  const types: Record<string, NodeTypeInfo> = {};
  const order = graph.order ?? [];
  for (const id of order) {
    const def = defs.get(id);
    const p = params.get(id);
    const i = nodeIndex.get(id)!;
    const ins = graph.inEdges.get(id) ?? [];
    const portSchemas: RecordSchema[] = [];
    const keyedPorts: boolean[] = [];
    let keyed = false;
    let keyType: FieldType | undefined;
    const ports = def?.inputs ?? [];
    ports.forEach((port, pi) => {
      const feeding = ins.filter((e) => (e.toPort ?? ports[0]!.name) === port.name);
      const schemas = feeding.map((e) => portSchema(types[e.from], e.fromPort) ?? { fields: [], open: true });
      keyedPorts.push(feeding.length > 0 && feeding.every((e) => types[e.from]?.keyed === true));
      if (pi === 0)
        for (const e of feeding) {
          const t = types[e.from];
          if (t?.keyed) {
            keyed = true;
            keyType = t.keyType;
          }
        }
      const first = schemas[0] ?? { fields: [], open: true };
      for (const s of schemas.slice(1)) {
        if (!sameFields(first, s))
          push(['nodes', i], 'incompatible_inputs', `the inputs of "${id}" have different fields; a union needs the same fields`, id);
      }
      portSchemas.push(first);
    });
    if (!def || !p) {
      types[id] = { output: { fields: [], open: true }, keyed: false };
      continue;
    }
    const r = def.infer(p, { inputs: portSchemas, keyed, keyedPorts, ...(keyType ? { keyType } : {}), time: spec.config.time, ...checkpointTiming(spec) });
    for (const iss of r.issues) push(['nodes', i, 'params', ...iss.path], iss.code, iss.message, id);
    types[id] = { output: r.output, keyed: r.keyed ?? false, ...(r.keyType ? { keyType: r.keyType } : {}), ...(r.ports ? { ports: r.ports } : {}) };
  }

  if (errors.length > 0) return { ok: false, errors, types };
  const normalized: JobSpec = { ...spec, nodes: spec.nodes.map((n) => ({ ...n, params: params.get(n.id)! })) };
  return { ok: true, spec: normalized, errors, types };
}

function checkpointTiming(spec: JobSpec): Pick<SchemaContext, 'checkpoints'> {
  const c = spec.config.checkpoints;
  return c === undefined ? {} : { checkpoints: { intervalMs: c.intervalMs, timeoutMs: c.timeoutMs ?? DEFAULT_CHECKPOINT_TIMEOUT_MS } };
}

function sameFields(a: RecordSchema, b: RecordSchema): boolean {
  if (a.open !== b.open || a.fields.length !== b.fields.length) return false;
  return a.fields.every((f) => b.fields.some((g) => g.name === f.name));
}

/** Throws a single Error listing every problem; for callers that just need a valid spec. */
export function parseSpec(input: unknown): JobSpec {
  const r = validateSpec(input);
  if (!r.ok) {
    const lines = r.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n');
    throw Object.assign(new Error(`invalid job spec:\n${lines}`), { problems: r.errors });
  }
  return r.spec!;
}

/** Schema of the records leaving a node through a port (the main output unless the port declares its own). */
export function portSchema(info: NodeTypeInfo | undefined, port: string | undefined): RecordSchema | undefined {
  if (info === undefined) return undefined;
  return (port !== undefined ? info.ports?.[port] : undefined) ?? info.output;
}
