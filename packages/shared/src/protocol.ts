import type { RiffleErrorInfo } from './errors.js';
import type { JobSpec } from './spec.schema.js';

/** Version of the live protocol; bumped with breaking changes to the types below. */
export const PROTOCOL_VERSION = 1 as const;

/**
 * Job lifecycle states (STYLE.md habit 6). `stopped` is a job a user stopped; `finished` a
 * bounded job that ran to the end of its input.
 */
export const JOB_STATUSES = [
  'created',
  'running',
  'checkpointing',
  'restarting',
  'stopping',
  'stopped',
  'finished',
  'failed',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['stopped', 'finished', 'failed']);

/** Metrics of one operator (summed over its subtasks). */
export interface OperatorMetrics {
  nodeId: string;
  kind: string;
  parallelism: number;
  recordsIn: number;
  recordsOut: number;
  /** Records per second over the last sampling interval. */
  recordsInPerSec: number;
  recordsOutPerSec: number;
  /** Current output watermark in epoch ms; `null` before the first one. */
  watermark: number | null;
  /** Records dropped because they arrived after the watermark passed their window. */
  lateRecordsDropped: number;
  /** Records sent to the dead-letter output by this operator. */
  deadLettered: number;
  /** Records this operator dropped under its `onError: skip` policy (absent: none). */
  skippedRecords?: number;
  /** Sources reading a log (Kafka): records behind the log end, summed over partitions. */
  consumerLag?: number;
  /** ...and per partition. */
  partitionLag?: Array<{ topic?: string; partition: number; lag: number }>;
  /** Sources: bytes read per second (keys and values) over the last sampling interval. */
  bytesInPerSec?: number;
  /** Share of the last second the operator's subtasks spent working, waiting for output credit, or idle (0–1, averaged over subtasks). */
  busyRatio?: number;
  backPressuredRatio?: number;
  idleRatio?: number;
  /** Per-subtask detail, when the job runs on worker threads. */
  subtasks?: SubtaskMetrics[];
  /**
   * Keyed operators only (windows, reduce, dedupe, over, joins): distinct keys holding state and
   * the state's approximate heap size in bytes, summed over subtasks (a rough estimate, not exact).
   */
  stateKeys?: number;
  stateBytes?: number;
}

/** Metrics of one parallel subtask of an operator. */
export interface SubtaskMetrics {
  subtask: number;
  /** Worker thread (slot) the subtask runs on. */
  worker: number;
  recordsIn: number;
  recordsOut: number;
  busyRatio: number;
  backPressuredRatio: number;
  idleRatio: number;
  /** Batches received, not yet processed. */
  inputQueue: number;
  /** Sealed output batches waiting for credit. */
  outputQueue: number;
  /** Records in the task's output channels: open batch, waiting for credit, in flight. */
  bufferedRecords: number;
  /** Keyed operators only: this subtask's state keys and approximate bytes. */
  stateKeys?: number;
  stateBytes?: number;
}

/** One sample of a job's metrics, taken about once a second. */
export interface JobMetrics {
  jobId: string;
  /** Epoch ms when sampled. */
  ts: number;
  status: JobStatus;
  operators: OperatorMetrics[];
  /** Total dead-lettered records. */
  deadLetters: number;
}

/** A record that could not be processed, with the reason. */
export interface DeadLetter {
  nodeId: string;
  error: string;
  /** The record (or its raw text) as received. */
  record: unknown;
  ts: number;
}

/** Totals of one metrics sample, for job lists (`GET /api/jobs`). */
export interface MetricsSummary {
  ts: number;
  /** Records emitted by the sources. */
  recordsIn: number;
  recordsInPerSec: number;
  /** Records that reached the sinks. */
  recordsOut: number;
  recordsOutPerSec: number;
  deadLetters: number;
}

/** Body of `GET /api/jobs/:id/dead-letters`: the newest sample, newest first. */
export interface DeadLetterList {
  deadLetters: DeadLetter[];
  /** Dead-lettered records in all, of which `deadLetters` is a bounded sample. */
  total: number;
}

/** An error that failed a job or made it restart, as the job manager remembers it. */
export interface JobFailure {
  ts: number;
  /** The status the error came with (`failed`, `restarting`, …). */
  status: JobStatus;
  error: RiffleErrorInfo;
}

/** Body of `GET /api/jobs/:id/failures`: the last few, newest first. */
export interface FailureList {
  failures: JobFailure[];
}

/**
 * `job:failure`: an error just failed or restarted the job (the same entry `GET
 * /api/jobs/:id/failures` lists from then on).
 */
export interface FailureEvent extends JobFailure {
  jobId: string;
}

/**
 * `job:dead-letters`: records dead-lettered since the last push, newest first. A bounded sample:
 * at most {@link DEAD_LETTERS_PER_PUSH} per push and one push per metrics sample (~1 Hz), so a
 * flood of bad records costs the socket little; `total` says how many there are in all.
 */
export interface DeadLettersEvent {
  jobId: string;
  deadLetters: DeadLetter[];
  total: number;
}

/** Most dead letters one `job:dead-letters` push carries. */
export const DEAD_LETTERS_PER_PUSH = 20;

/** A job as the REST API and the socket describe it. */
export interface JobInfo {
  id: string;
  name: string;
  status: JobStatus;
  spec: JobSpec;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  error?: RiffleErrorInfo;
  metrics?: JobMetrics;
  /** The newest completed checkpoint or savepoint (this run or on disk). */
  lastCheckpoint?: CheckpointInfo;
  /** The last time the job restarted (restore, recovery, server restart). */
  lastRestart?: RestartEvent;
  /** Where it runs (absent: `embedded`). */
  target?: JobTarget;
  /** `flink` jobs: the Flink job id of the current (or last) run. */
  flinkJobId?: string;
}

/** Where a job runs: Riffle's engine in the server, or a Flink cluster (`config.target`). */
export type JobTarget = 'embedded' | 'flink';

/** Body of `GET /api/capabilities`: what this server can do beyond the embedded engine. */
export interface ServerCapabilities {
  /** Targets `POST /api/jobs` accepts; `flink` only when a Flink cluster is configured. */
  targets: JobTarget[];
  /** Preview sinks of jobs on Flink show records (the server has a Kafka cluster for previews, `FLINK_PREVIEW_BROKERS`). */
  flinkPreview?: boolean;
}

/** Latest records reaching a `sink.collect` node. */
export interface PreviewUpdate {
  jobId: string;
  nodeId: string;
  records: unknown[];
}

export interface StatusUpdate {
  jobId: string;
  status: JobStatus;
  error?: RiffleErrorInfo;
}

/** What the server returns in the `subscribe` acknowledgement: the current snapshot. */
export type SubscribeAck =
  | { ok: true; job: JobInfo; history: JobMetrics[]; previews: Record<string, unknown[]>; checkpoints?: CheckpointInfo[] }
  | { ok: false; error: string };

/** The socket.io namespace for live job data. */
export const JOBS_NAMESPACE = '/jobs';

/** Room of one job inside {@link JOBS_NAMESPACE}. */
export function jobRoom(jobId: string): string {
  return `job:${jobId}`;
}

/**
 * One checkpoint or savepoint of a job, as `GET /api/jobs/:id/checkpoints` lists it and the
 * `checkpoint:*` events carry it.
 */
export interface CheckpointInfo {
  jobId: string;
  /** Checkpoint number (savepoints share the counter). */
  id: number;
  /** `chk-<n>` or `sp-…`: what `POST /api/jobs/:id/restore` takes. Set once storage began. */
  snapshotId?: string;
  kind: 'checkpoint' | 'savepoint';
  status: 'in_progress' | 'completed' | 'failed';
  /** Epoch ms when triggered. */
  startedAt: number;
  /** Trigger → `_metadata` durable (or → failure). */
  durationMs?: number;
  /** Bytes of state files plus metadata. */
  bytes: number;
  /** Longest barrier alignment over the tasks, ms. */
  alignmentMs: number;
  /** Subtasks that acknowledged / that must (progress of one in progress). */
  acknowledged?: number;
  total?: number;
  /** State bytes per operator (completed ones). */
  operators?: Array<{ nodeId: string; bytes: number }>;
  /** Still on disk (within `retain`, or a savepoint): it can be restored. */
  retained: boolean;
  /** Why it failed. */
  error?: string;
}

/** Body of `GET /api/jobs/:id/checkpoints`: newest first. */
export interface CheckpointList {
  checkpoints: CheckpointInfo[];
}

/** A job restarted on its own (automatic recovery) or from a user's restore. */
export interface RestartEvent {
  jobId: string;
  /** `failure` (restart strategy), `restore` (user), `server-restart` (resumed after the server started again). */
  reason: 'failure' | 'restore' | 'server-restart';
  /** The snapshot it restarted from; undefined when it started from scratch. */
  snapshotId?: string;
  /** Attempt number within the restart strategy (failure only). */
  attempt?: number;
  /** How long the restart strategy waited before this restart (failure only). */
  delayMs?: number;
  /** Newer checkpoints passed over because they did not verify (corrupt or partial). */
  skipped?: Array<{ snapshotId: string; error: string }>;
  error?: RiffleErrorInfo;
  ts: number;
}

/**
 * One record a node emitted, kept by a live-preview tap (see `sample:subscribe`). `timestamp` is
 * the record's event timestamp (`null` when it has none); `at` is when it was sampled.
 */
export interface SampledRecord {
  value: unknown;
  timestamp: number | null;
  subtask: number;
  at: number;
}

/** The latest sampled output records of one node of a running job (oldest first). */
export interface NodeSampleUpdate {
  jobId: string;
  nodeId: string;
  records: SampledRecord[];
}

/** The `sample:subscribe` acknowledgement: the records sampled so far, or why not. */
export type SampleSubscribeAck = ({ ok: true } & NodeSampleUpdate) | { ok: false; error: string; message: string };

/** Room of the live preview of one node inside {@link JOBS_NAMESPACE}. */
export function sampleRoom(jobId: string, nodeId: string): string {
  return `sample:${jobId}:${nodeId}`;
}

/** Events the server emits (socket.io typed event map). */
export interface ServerToClientEvents {
  'job:metrics': (m: JobMetrics) => void;
  'job:status': (s: StatusUpdate) => void;
  'job:preview': (p: PreviewUpdate) => void;
  'job:restarted': (e: RestartEvent) => void;
  'checkpoint:started': (c: CheckpointInfo) => void;
  'checkpoint:completed': (c: CheckpointInfo) => void;
  'checkpoint:failed': (c: CheckpointInfo) => void;
  /** About once a second to the subscribers of a node's live preview. */
  'node:sample': (s: NodeSampleUpdate) => void;
  /** An error failed or restarted the job. */
  'job:failure': (f: FailureEvent) => void;
  /** New dead letters, a bounded sample at most once per metrics sample. */
  'job:dead-letters': (d: DeadLettersEvent) => void;
}

/** Events a client emits (socket.io typed event map). */
export interface ClientToServerEvents {
  subscribe: (req: { jobId: string }, ack: (res: SubscribeAck) => void) => void;
  unsubscribe: (req: { jobId: string }) => void;
  /**
   * Live preview of any node: the server turns on the node's sampling tap (bounded, ~20 records/s)
   * for as long as someone subscribes, acks the records so far, then sends `node:sample`.
   */
  'sample:subscribe': (req: { jobId: string; nodeId: string }, ack: (res: SampleSubscribeAck) => void) => void;
  'sample:unsubscribe': (req: { jobId: string; nodeId: string }) => void;
}

/** Body of a 400 answer to an invalid spec. */
export interface ValidationErrorBody {
  error: 'invalid_spec';
  errors: Array<{ path: string; message: string; code?: string; nodeId?: string }>;
}

/**
 * One record of a Kafka topic preview (`GET /api/kafka/topics/:topic/preview` → `{ records }`):
 * key and value as text, or `{ base64 }` when not UTF-8; `truncated` when the preview cut them.
 */
export interface KafkaPreviewRecord {
  partition: number;
  offset: number;
  /** Kafka record timestamp, epoch ms. */
  timestamp: number;
  key: string | { base64: string } | null;
  value: string | { base64: string } | null;
  headers: Record<string, string>;
  truncated?: true;
}
