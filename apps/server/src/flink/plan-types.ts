import type { JobSpec } from '@riffle/shared';

/**
 * The contract between the job-spec → Flink SQL compiler (`flink/compiler/`) and the part of the
 * server that runs a compiled job on a Flink session cluster through its SQL Gateway (`flink/`).
 */
export interface FlinkSqlPlan {
  /**
   * Statements run in order in one SQL Gateway session before the job is submitted: `SET`,
   * `CREATE TEMPORARY TABLE` (sources and sinks) and `CREATE TEMPORARY VIEW` (one per canvas node).
   */
  setup: string[];
  /** The one statement that submits the job: `EXECUTE STATEMENT SET BEGIN INSERT INTO …; … END`. */
  insert: string;
  /** Canvas node id → the table or view it compiled to, for the plan view and for mapping metrics back. */
  nodes: Record<string, { name: string; role: 'source' | 'view' | 'sink' }>;
  /** Where the Flink run knowingly differs from the embedded one (e.g. datagen's random values), for the plan view. */
  notes?: string[];
  /**
   * Tables to create before the job is submitted, because Flink's connector does not: a
   * `sink.postgres` with `createTable` (its connection string is read from the spec's node, so
   * no password is kept here). Created as Riffle's sink would, only when missing.
   */
  tables?: FlinkPrepareTable[];
  /**
   * The preview (`sink.collect`) tables, when the server has a Kafka cluster for previews: each
   * writes its rows to its own topic, which the server creates before the submit and reads for
   * the job's preview (the same REST and socket path as an embedded job's).
   */
  preview?: FlinkPreviewPlan;
}

/** Where a Flink run's preview sinks write: the preview Kafka cluster and one topic per `sink.collect` node. */
export interface FlinkPreviewPlan {
  brokers: string[];
  sinks: FlinkPreviewSink[];
}

/** One `sink.collect` node on Flink: its topic (one partition) and how many of the latest rows the preview keeps. */
export interface FlinkPreviewSink {
  nodeId: string;
  topic: string;
  limit: number;
}

/** A PostgreSQL table a Flink job's JDBC sink needs: the sink node, its table, columns and upsert key. */
export interface FlinkPrepareTable {
  nodeId: string;
  table: string;
  columns: Array<{ name: string; type: 'int' | 'double' | 'string' | 'bool' }>;
  keyColumns: string[];
}

/** Why a spec cannot run on Flink, on the node (and parameter) that stops it. */
export interface FlinkCompileIssue {
  /** Stable code, e.g. `flink_unsupported_kind`, `flink_untranslatable_expression`. */
  code: string;
  message: string;
  /** JSON path into the spec, e.g. `['nodes', 2, 'params', 'predicate']`. */
  path: Array<string | number>;
  nodeId?: string;
}

export type FlinkCompileResult = { ok: true; plan: FlinkSqlPlan } | { ok: false; issues: FlinkCompileIssue[] };

export interface FlinkCompileOptions {
  /** Shown as the Flink job's name (`SET 'pipeline.name'`). */
  jobName: string;
  /**
   * Relative `path` params of file sources and sinks resolve against this folder, as the embedded
   * engine's `baseDir`; with it, a path resolving outside it is refused. Without it paths must be absolute.
   */
  baseDir?: string;
  /**
   * A Kafka cluster that both Flink and the server reach (`FLINK_PREVIEW_BROKERS`) and the Riffle
   * job's id: with it a `sink.collect` writes to the topic `riffle-preview-<jobId>-<nodeId>`;
   * without it to a blackhole (no preview).
   */
  preview?: { brokers: string[]; jobId: string };
}

export type FlinkCompiler = (spec: JobSpec, opts: FlinkCompileOptions) => FlinkCompileResult;
