import { celToSql, type Field, type FieldType, type JobSpec, type NodeSpec, type NodeTypeInfo } from '@riffle/shared';
import type { FlinkCompileIssue, FlinkCompileOptions, FlinkPreviewSink, FlinkSqlPlan } from '../plan-types.js';
import { q } from './sql.js';

/**
 * The relation a compiled node emits, as the nodes after it read it: a view or table whose columns
 * are the record's fields, plus the time column ({@link TIME}) and, right after a keyBy, the key
 * column ({@link KEY}).
 */
export interface Stream {
  /** The quoted name of the view or table. */
  relation: string;
  /** The record's fields, in order, with the types the Flink columns have. */
  fields: Field[];
  /** Set right after a keyBy: the key column's type (the column is {@link KEY}). */
  keyType?: FieldType;
  /**
   * Set when the time column is a plain timestamp, not a Flink time attribute (after an interval
   * or regular join on event time): why. Nodes that need event time refuse such an input.
   */
  untimed?: string;
}

/** What a node compiler gets: the node, its validated params, its input streams (one per port) and its Riffle output type. */
export interface NodeInput<P = Record<string, unknown>> {
  node: NodeSpec;
  /** Index in `spec.nodes` (issue paths start at `['nodes', index]`). */
  index: number;
  params: P;
  /** Input stream per input port, in port order (a port fed by several edges gets their union). */
  inputs: Stream[];
  /** What Riffle's schema propagation says the node emits. */
  type: NodeTypeInfo;
}

/** Compiles one node; returns the stream it emits (nothing for sinks, or when it pushed an issue). */
export type NodeCompiler<P = any> = (c: Compilation, n: NodeInput<P>) => Stream | undefined;

/** The statements, notes and issues gathered while a spec compiles. */
export class Compilation {
  readonly setup: string[] = [];
  readonly inserts: string[] = [];
  readonly notes: string[] = [];
  readonly issues: FlinkCompileIssue[] = [];
  readonly nodes: FlinkSqlPlan['nodes'] = {};
  readonly tables: NonNullable<FlinkSqlPlan['tables']> = [];
  /** The preview sinks writing to Kafka (see `sink-preview.ts`). */
  readonly previews: FlinkPreviewSink[] = [];

  constructor(
    readonly spec: JobSpec,
    readonly opts: FlinkCompileOptions,
  ) {}

  /** Records why a node (at `path` below it) cannot run on Flink. */
  issue(n: Pick<NodeInput, 'node' | 'index'>, code: string, message: string, path: Array<string | number> = []): void {
    this.issues.push({ code, message: `${n.node.id}: ${message}`, path: ['nodes', n.index, ...path], nodeId: n.node.id });
  }

  /** Adds a `CREATE TEMPORARY VIEW` named after the node and returns it as a stream. */
  view(n: NodeInput, select: string, fields: Field[], keyType?: FieldType): Stream {
    const relation = q(n.node.id);
    this.setup.push(`CREATE TEMPORARY VIEW ${relation} AS\n${select}`);
    this.nodes[n.node.id] = { name: n.node.id, role: 'view' };
    return keyType === undefined ? { relation, fields } : { relation, fields, keyType };
  }

  /**
   * A CEL expression of the node (at `path` below its params) as Flink SQL over `fields`; an
   * expression outside the translatable subset is an issue on that param, never a silent difference.
   */
  expression(n: NodeInput, path: Array<string | number>, expr: string, fields: Field[]): { sql: string; type: FieldType } | undefined {
    const r = celToSql(expr, { fields, open: false });
    if (r.ok) return { sql: r.sql, type: r.type };
    this.issue(n, 'flink_untranslatable_expression', r.message, ['params', ...path]);
    return undefined;
  }
}
