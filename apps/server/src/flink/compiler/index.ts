import { buildGraph, getOperator, validateSpec, type GraphEdge, type JobSpec } from '@riffle/shared';
import type { FlinkCompiler, FlinkCompileResult } from '../plan-types.js';
import { Compilation, type Stream } from './context.js';
import { carryUntimed, eventTimeAvailable } from './event-time.js';
import { configStatements } from './job-config.js';
import { NODE_COMPILERS, REFUSED_KINDS } from './registry.js';
import { columns, KEY, q, TIME } from './sql.js';
import { watermarkSettings, type SourceTime } from './source-time.js';

/**
 * Compiles a job spec to Flink SQL: each source and sink a `CREATE TEMPORARY TABLE`, every other
 * node a `CREATE TEMPORARY VIEW` over its input named after the node id, and all sinks' INSERTs
 * in one `EXECUTE STATEMENT SET`. What cannot run with the same meaning on Flink is an issue on
 * its node (and param), never a silent difference; known, accepted differences are the plan's `notes`.
 * @example
 * const r = compileToFlinkSql(spec, { jobName: 'clicks', baseDir: dataDir });
 * if (r.ok) for (const s of [...r.plan.setup, r.plan.insert]) await gateway.execute(s);
 */
export const compileToFlinkSql: FlinkCompiler = (input, opts) => {
  const v = validateSpec(input);
  if (!v.ok) return { ok: false, issues: v.errors.map((e) => ({ code: `invalid_spec_${e.code}`, message: e.message, path: fromJsonPath(e.path), ...(e.nodeId !== undefined ? { nodeId: e.nodeId } : {}) })) };
  const spec = v.spec!;
  const c = new Compilation(spec, opts);
  const config = configStatements(spec, opts.jobName);
  c.setup.push(...config.statements);
  c.notes.push(...config.notes);
  watermarkSettings(c, spec.nodes.filter((n) => getOperator(n.kind)?.category === 'source').map((n) => ({ ...(n.params as unknown as SourceTime), kind: n.kind })));

  const graph = buildGraph(spec);
  const streams = new Map<string, Stream>();
  for (const id of graph.order ?? []) {
    const index = spec.nodes.findIndex((n) => n.id === id);
    const node = spec.nodes[index]!;
    const at = { node, index };
    const compile = NODE_COMPILERS.get(node.kind);
    if (compile === undefined) {
      const why = REFUSED_KINDS.get(node.kind);
      c.issue(at, 'flink_unsupported_kind', why === undefined ? `${node.kind} does not run on Flink yet` : `${node.kind} does not run on Flink: ${why}`, ['kind']);
      continue;
    }
    const ports = getOperator(node.kind)!.inputs;
    const inputs: Stream[] = [];
    for (const port of ports) {
      const feeding = graph.inEdges.get(id)!.filter((e) => (e.toPort ?? ports[0]!.name) === port.name);
      const s = portStream(c, at, port.name, feeding, streams);
      if (s === undefined) break;
      inputs.push(s);
    }
    // An input that did not compile was already reported on its own node.
    if (inputs.length < ports.length) continue;
    if (!eventTimeAvailable(c, { node, index, inputs })) continue;
    const out = compile(c, { node, index, params: node.params, inputs, type: v.types[id]! });
    if (out !== undefined) streams.set(id, node.kind.startsWith('join.') ? out : carryUntimed(out, inputs));
  }
  return finish(c);
};

/** The stream into one input port: the one feeding edge's stream, or a view with the UNION ALL of several. */
function portStream(c: Compilation, at: { node: JobSpec['nodes'][number]; index: number }, port: string, edges: GraphEdge[], streams: Map<string, Stream>): Stream | undefined {
  for (const e of edges)
    if (e.fromPort !== undefined) {
      c.issues.push({ code: 'flink_unsupported_port', message: `${e.from}: its ${e.fromPort} output does not run on Flink yet (Flink SQL windows drop late records)`, path: ['edges', e.index, 'fromPort'], nodeId: e.from });
      return undefined;
    }
  const ins = edges.map((e) => streams.get(e.from));
  if (ins.some((s) => s === undefined) || ins.length === 0) return undefined;
  const all = ins as Stream[];
  if (all.length === 1) return all[0];
  const keyTypes = new Set(all.map((s) => s.keyType));
  if (keyTypes.size > 1) {
    c.issue(at, 'flink_unsupported_union', 'its inputs mix keyed and unkeyed streams (or keys of different types)');
    return undefined;
  }
  const fields = all[0]!.fields;
  const keyType = all[0]!.keyType;
  const cols = `${columns(fields)}, ${TIME}${keyType !== undefined ? `, ${KEY}` : ''}`;
  const relation = q(`${at.node.id}__${port}`);
  c.setup.push(`CREATE TEMPORARY VIEW ${relation} AS\n${all.map((s) => `SELECT ${cols} FROM ${s.relation}`).join('\nUNION ALL\n')}`);
  const union: Stream = keyType === undefined ? { relation, fields } : { relation, fields, keyType };
  return carryUntimed(union, all);
}

function finish(c: Compilation): FlinkCompileResult {
  if (c.issues.length > 0) return { ok: false, issues: c.issues };
  const insert = `EXECUTE STATEMENT SET\nBEGIN\n${c.inserts.map((i) => `${i};\n`).join('')}END`;
  const preview = c.opts.preview && c.previews.length > 0 ? { preview: { brokers: [...c.opts.preview.brokers], sinks: c.previews } } : {};
  return { ok: true, plan: { setup: c.setup, insert, nodes: c.nodes, notes: c.notes, ...(c.tables.length > 0 ? { tables: c.tables } : {}), ...preview } };
}

/** `$.nodes[2].params["a b"]` → `['nodes', 2, 'params', 'a b']` (the inverse of the validator's toJsonPath). */
function fromJsonPath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
  }
  return out;
}
