import { z } from 'zod';

export const SPEC_VERSION = 1 as const;

export const NODE_ID_RE = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

export const Partitioning = z.enum(['forward', 'rebalance', 'hash', 'broadcast']);
export type Partitioning = z.infer<typeof Partitioning>;

export const NodeSpecSchema = z.strictObject({
  id: z.string().regex(NODE_ID_RE, 'node ids start with a letter or _, then letters, digits, _ or -, at most 64'),
  kind: z.string().min(1),
  /** Operator parameters; validated against the catalog entry of `kind`. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Overrides `config.parallelism` for this node. */
  parallelism: z.int().min(1).max(1024).optional(),
  /** Display name on the canvas; the id is used when absent. */
  label: z.string().max(200).optional(),
});
export type NodeSpec = z.infer<typeof NodeSpecSchema>;

export const EdgeSpecSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  /** Output port of `from`, e.g. a window's `late` side output. Default: the main output. */
  fromPort: z.string().optional(),
  /** Input port of `to` for two-input operators (`left` / `right`). */
  toPort: z.string().optional(),
  /** Distribution on this edge; the planner chooses one when absent. */
  partitioning: Partitioning.optional(),
});
export type EdgeSpec = z.infer<typeof EdgeSpecSchema>;

/** A checkpoint not complete after this long is aborted, unless `config.checkpoints.timeoutMs` says otherwise. */
export const DEFAULT_CHECKPOINT_TIMEOUT_MS = 60_000;

export const CheckpointConfigSchema = z.strictObject({
  intervalMs: z.int().min(10).default(10_000),
  /** A checkpoint not complete after this long is aborted (default {@link DEFAULT_CHECKPOINT_TIMEOUT_MS}). */
  timeoutMs: z.int().min(100).optional(),
  mode: z.enum(['exactly-once', 'at-least-once']).default('exactly-once'),
  retain: z.int().min(1).max(100).default(5),
  /** Consecutive failed checkpoints the job tolerates; one more restarts it (absent: never). */
  tolerableFailures: z.int().min(0).optional(),
  /**
   * Bytes of records an exactly-once alignment may hold back per task; above it the checkpoint is
   * aborted instead of memory growing (engine default: 64 MiB).
   */
  maxAlignmentBytes: z.int().min(1024).optional(),
});

export const RestartConfigSchema = z.strictObject({
  strategy: z.enum(['none', 'fixed-delay', 'exponential-backoff']).default('fixed-delay'),
  attempts: z.int().min(0).default(10),
  delayMs: z.int().min(0).default(1000),
  /** exponential-backoff: the delay doubles per attempt up to this (default 60 000 ms). */
  maxDelayMs: z.int().min(0).optional(),
});

export const JobConfigSchema = z.strictObject({
  parallelism: z.int().min(1).max(1024).default(1),
  maxParallelism: z.int().min(1).max(32768).default(128),
  time: z.enum(['event', 'processing']).default('event'),
  /**
   * Where keyed state lives: `heap` (default, fastest) or `disk` (LevelDB under the job's folder,
   * for state larger than memory: a bounded cache of keys on the heap, the rest on disk).
   */
  stateBackend: z.enum(['heap', 'disk']).default('heap'),
  checkpoints: CheckpointConfigSchema.optional(),
  restart: RestartConfigSchema.optional(),
  /**
   * Where the job runs: `embedded` (Riffle's engine in the server, the default) or `flink` (compiled
   * to Flink SQL and submitted to the Flink cluster the server is configured with).
   */
  target: z.enum(['embedded', 'flink']).optional(),
});
export type JobConfig = z.infer<typeof JobConfigSchema>;

const Position = z.object({ x: z.number(), y: z.number() });

/** Editor-only data; the engine ignores it. */
export const UiSchema = z
  .object({ positions: z.record(z.string(), Position).optional() })
  .loose();

export const JobSpecSchema = z.strictObject({
  specVersion: z.literal(SPEC_VERSION),
  name: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  config: JobConfigSchema.default(() => JobConfigSchema.parse({})),
  nodes: z.array(NodeSpecSchema).max(500),
  edges: z.array(EdgeSpecSchema).max(2000),
  ui: UiSchema.optional(),
});

/** A validated job spec, with defaults filled in. */
export type JobSpec = z.infer<typeof JobSpecSchema>;
/** A job spec as a user writes it (defaults optional). */
export type JobSpecInput = z.input<typeof JobSpecSchema>;
