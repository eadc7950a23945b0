import type { MessagePort } from 'node:worker_threads';
import type { DeadLetter, JobSpec, RiffleErrorInfo, SampledRecord } from '@riffle/shared';
import type { TaskAck } from '../checkpoint/coordinator.js';
import type { RestoreData } from '../checkpoint/restore.js';
import type { FailAfter } from './fail-after.js';
import type { SlowNode } from './slow-node.js';
import type { StateBackendConfig } from '../state/operator-backend.js';
import type { SubtaskMetrics } from '@riffle/shared';
import type { NodeCounters, StateSize } from './metrics.js';

/** What a worker thread needs to run its part of one job (the `job` message). */
export interface WorkerInit {
  jobId: string;
  spec: JobSpec;
  baseDir: string;
  /** File connectors re-check their paths at open (`OperatorContext.confineFiles`). */
  confineFiles?: boolean;
  /** This worker's slot, in `[0, workers)`; subtask s of every chain runs on slot `s % workers`. */
  index: number;
  workers: number;
  /**
   * One Int32 the worker sets to (global task index + 1) while a task runs, 0 otherwise: after a
   * hard crash the main thread reads it to name the operator that was running. It lies in the
   * middle of the buffer (`runningCell` in worker-runtime.ts), away from other workers' cells.
   */
  running: SharedArrayBuffer;
  /** Whether the coordinator takes checkpoints: tasks then acknowledge snapshots. */
  checkpoints: boolean;
  /** The snapshot to start from (each worker restores the subtasks it runs). */
  restore?: RestoreData;
  /** Test-only: an operator fails deliberately (see fail-after.ts). */
  failAfter?: FailAfter;
  /** Test-only: an operator is slowed down (see slow-node.ts). */
  slowNode?: SlowNode;
  /** Where keyed state lives (the heap when absent). */
  stateBackend?: StateBackendConfig;
}

/** Main thread → worker. */
export type ToWorker =
  /** Run this job's subtasks of the slot `init.index` (the first message of every job). */
  | { t: 'job'; init: WorkerInit }
  /**
   * After `done`: drop everything of the job (timers, peer ports, tasks were closed already) and
   * answer `released`; the thread then waits idle for its next job.
   */
  | { t: 'release' }
  | { t: 'peers'; ports: Array<{ peer: number; port: MessagePort }> }
  | { t: 'start' }
  | { t: 'stop' }
  | { t: 'abort' }
  /** Emit checkpoint barrier `id` at every source subtask here (`drain`: then emit nothing more until `resume`). */
  | { t: 'trigger'; id: number; drain?: boolean }
  /** A drained savepoint failed: parked sources emit again. */
  | { t: 'resume' }
  /** Every task of the job ended: snapshot each one here for final checkpoint `id`, without a barrier. */
  | { t: 'final'; id: number }
  /** The bounded job's final checkpoint is done (or failed): close the tasks and report `done`. */
  | { t: 'finish' }
  /** Checkpoint `id` is complete. */
  | { t: 'notify'; id: number }
  /** Turn on (or extend) the live-preview tap of a node's subtasks here until `until` (epoch ms). */
  | { t: 'tap'; nodeId: string; until: number }
  /** Test hook: make an operator fail like a bug, kill its thread, or spend `micros` per record. */
  | { t: 'fault'; nodeId: string; kind: FaultKind; micros?: number };

export type FaultKind = 'throw' | 'exit' | 'slow';

/** Per-task load figures over the last report interval (the shared protocol's subtask fields, per chain). */
export type TaskReport = { chainId: string } & Pick<
  SubtaskMetrics,
  'subtask' | 'worker' | 'busyRatio' | 'backPressuredRatio' | 'idleRatio' | 'inputQueue' | 'outputQueue' | 'bufferedRecords'
>;

export interface WorkerReport {
  counters: Array<[nodeId: string, subtask: number, counters: NodeCounters]>;
  tasks: TaskReport[];
  /** Latest contents of changed `sink.collect` buffers. */
  previews: Array<[nodeId: string, records: unknown[]]>;
  /** Dead letters since the previous report (bounded). */
  deadLetters: DeadLetter[];
  /** Keyed operators' state size per subtask here (about once a second, and in the final report). */
  state?: Array<[nodeId: string, subtask: number, size: StateSize]>;
  /** Records the live-preview taps kept since the previous report (rate-limited at the tap). */
  samples?: Array<[nodeId: string, record: SampledRecord]>;
}

/** Worker → main thread. */
export type FromWorker =
  /** The thread started (before any job): its OS thread id where the platform tells it. */
  | { t: 'hello'; osThreadId: number | undefined }
  | { t: 'ready' }
  | { t: 'report'; report: WorkerReport }
  | { t: 'failed'; error: RiffleErrorInfo }
  /** A line an operator or the runtime logged in the worker; the main thread's logger writes it. */
  | { t: 'log'; level: 'info' | 'warn' | 'error'; msg: string; data?: Record<string, unknown> }
  /** A task snapshotted its chain (bytes transferred; the main thread writes the file). */
  | { t: 'ack'; ack: TaskAck }
  /** This worker cannot take checkpoint `id`. */
  | { t: 'decline'; id: number; reason: string; ending?: boolean }
  /**
   * With checkpoints: every task here reached the end of its bounded input and every batch left;
   * the worker waits for `final` and `finish` before closing them.
   */
  | { t: 'ended' }
  /** Every task here ended (or the job was stopped) and closed; the final report came just before. */
  | { t: 'done' }
  /**
   * The job is gone from this thread (answer to `release`); nothing of it runs here. `heapBytes`:
   * the thread's V8 heap now (its garbage not yet collected), which the pool weighs before keeping it.
   */
  | { t: 'released'; heapBytes: number };

/** Worker ↔ worker, over one MessagePort per pair: a batch for a channel, or credit for it. */
export type PeerMessage = { t: 'b'; id: number; buf: Uint8Array } | { t: 'c'; id: number; n: number };

/** Input-gate channels per task (channel ids are `taskIndex * GATE_SPAN + gateChannel`). */
export const GATE_SPAN = 4096;
