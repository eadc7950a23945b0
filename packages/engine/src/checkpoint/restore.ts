import { RiffleError } from '@riffle/shared';
import { pack, unpack } from 'msgpackr';
import { keyGroupRange } from '../key-groups.js';
import type { Operator } from '../operator.js';
import type { LogicalGraph, LogicalNode } from '../plan/logical-graph.js';
import type { PhysicalPlan } from '../plan/physical-plan.js';
import { matchOperators } from './compat.js';
import { sha256 } from './durable-fs.js';
import type { CheckpointExtra } from './coordinator.js';
import { CorruptSnapshotError } from './errors.js';
import type { LoadedSnapshot, SnapshotStorage } from './snapshot-storage.js';

/** One task file: the chain's operator states in chain order. */
export interface TaskStateFile {
  chainId: string;
  subtask: number;
  operators: Array<{ nodeId: string; state: unknown }>;
}

/** On disk each operator's state is packed on its own, so its size is known per operator. */
interface StoredTaskState {
  chainId: string;
  subtask: number;
  operators: Array<{ nodeId: string; packed?: Uint8Array; state?: unknown }>;
}

/** A task file's bytes and the bytes of each operator's state inside it. */
export interface EncodedTaskState {
  bytes: Uint8Array;
  operators: Array<{ nodeId: string; bytes: number }>;
}

export function encodeTaskState(f: TaskStateFile): EncodedTaskState {
  return assembleTaskState(f.chainId, f.subtask, f.operators.map((o) => packOperatorState(o.nodeId, o.state)));
}

/** One operator's state packed on its own (the part of a task file that {@link assembleTaskState} joins). */
export interface PackedOperatorState {
  nodeId: string;
  packed?: Uint8Array;
}

/**
 * Packs one operator's state now: a state returned synchronously may share objects with the
 * running operator, so it is encoded before the next record changes them.
 */
export function packOperatorState(nodeId: string, state: unknown): PackedOperatorState {
  return state === undefined ? { nodeId } : { nodeId, packed: pack(state) };
}

/** The task file of a chain whose operator states are packed, in chain order. */
export function assembleTaskState(chainId: string, subtask: number, operators: PackedOperatorState[]): EncodedTaskState {
  const stored: StoredTaskState = { chainId, subtask, operators };
  return { bytes: pack(stored), operators: operators.map((o) => ({ nodeId: o.nodeId, bytes: o.packed?.byteLength ?? 0 })) };
}

function decodeOperatorState(op: StoredTaskState['operators'][number]): unknown {
  // Files of the first format held the state inline.
  return op.packed !== undefined ? unpack(op.packed) : op.state;
}

/** A verified snapshot, indexed for restore. */
export interface RestoreData {
  /** `chk-<n>` or the savepoint id. */
  id: string;
  checkpointId: number;
  extra: CheckpointExtra;
  /** Node id → old subtask → that operator subtask's `snapshotState()`. */
  states: Map<string, unknown[]>;
}

/** A snapshot that exists and verifies but does not fit this job. */
export class IncompatibleSnapshotError extends RiffleError {
  constructor(snapshot: string, reason: string, nodeId?: string) {
    super({ code: 'incompatible_snapshot', domain: 'user', retryable: false, message: `snapshot ${snapshot} cannot restore this job: ${reason}`, ...(nodeId === undefined ? {} : { nodeId }) });
  }
}

/** Hash of the topology: node ids and kinds, edges with their ports (not params, not parallelism). */
export function specFingerprint(graph: LogicalGraph): string {
  const nodes = graph.nodes.map((n) => [n.id, n.kind]).sort();
  const edges = graph.nodes
    .flatMap((n) => n.outEdges.map((e) => [e.from, e.to, e.fromPort ?? '', e.toPort ?? ''].join('|')))
    .sort();
  return sha256(new TextEncoder().encode(JSON.stringify({ nodes, edges })));
}

/**
 * Loads snapshot `id` (every file verified against its checksum by the storage), checks that it
 * fits `plan` (same topology, same max parallelism) and decodes the task files. Throws
 * {@link CorruptSnapshotError}, `SnapshotNotFoundError` or {@link IncompatibleSnapshotError}.
 */
export async function loadForRestore(storage: SnapshotStorage, id: string, plan: PhysicalPlan, allowNonRestoredState = false): Promise<RestoreData> {
  return decodeForRestore(await storage.load(id), plan, allowNonRestoredState);
}

/**
 * {@link loadForRestore} of a snapshot already read and verified. Operators are matched by node
 * id (see {@link matchOperators}); with `allowNonRestoredState` the state of operators the job no
 * longer has is dropped instead of refused.
 */
export function decodeForRestore(loaded: LoadedSnapshot, plan: PhysicalPlan, allowNonRestoredState = false): RestoreData {
  const { id } = loaded;
  const extra = loaded.metadata.extra as CheckpointExtra | undefined;
  if (extra === undefined || typeof extra.fingerprint !== 'string' || typeof extra.parallelism !== 'object')
    throw new CorruptSnapshotError(id, '_metadata', 'no coordinator data (fingerprint, parallelism)');
  let dropped = new Set<string>();
  if (extra.topology !== undefined) {
    const m = matchOperators(extra, plan.graph, allowNonRestoredState);
    if ('reason' in m) throw new IncompatibleSnapshotError(id, m.reason, m.nodeId);
    dropped = new Set(m.dropped);
  } else if (extra.fingerprint !== specFingerprint(plan.graph)) {
    throw new IncompatibleSnapshotError(id, 'the job topology (node ids, kinds or edges) differs from the one that took it');
  }
  if (extra.maxParallelism !== plan.graph.maxParallelism)
    throw new IncompatibleSnapshotError(id, `maxParallelism is ${plan.graph.maxParallelism}, the snapshot has ${extra.maxParallelism} (key groups cannot be remapped)`);
  const states = new Map<string, unknown[]>();
  for (const f of loaded.metadata.files) {
    let file: StoredTaskState;
    const decoded: Array<[string, unknown]> = [];
    try {
      file = unpack(loaded.files.get(f.name)!) as StoredTaskState;
      if (!Array.isArray(file?.operators)) throw new Error('no operator list');
      for (const op of file.operators) decoded.push([op.nodeId, decodeOperatorState(op)]);
    } catch (e) {
      throw new CorruptSnapshotError(id, f.name, `undecodable task state (${e instanceof Error ? e.message : String(e)})`);
    }
    for (const [nodeId, state] of decoded) {
      if (dropped.has(nodeId)) continue;
      let list = states.get(nodeId);
      if (list === undefined) states.set(nodeId, (list = []));
      list[file.subtask] = state;
    }
  }
  for (const [nodeId, p] of Object.entries(extra.parallelism)) {
    if (dropped.has(nodeId)) continue;
    const got = states.get(nodeId)?.length ?? 0;
    if (got > p) throw new CorruptSnapshotError(id, '_metadata', `node ${nodeId} has state of subtask ${got - 1} at parallelism ${p}`);
  }
  return { id, checkpointId: loaded.metadata.checkpointId, extra, states };
}

/**
 * Hands operator subtask `subtask` of `node` its state. Same parallelism: its own old subtask's.
 * Keyed operators at another parallelism: every old subtask's snapshot whose key-group range
 * overlaps the new one (the operator keeps only the key groups it owns). Other operators at
 * another parallelism: `restoreRescaled` with all old snapshots (sources split their positions).
 */
export function restoreOperator(op: Operator, node: LogicalNode, subtask: number, maxParallelism: number, data: RestoreData): void {
  const old = data.states.get(node.id);
  if (old === undefined) return;
  const oldP = data.extra.parallelism[node.id] ?? old.length;
  if (oldP === node.parallelism) {
    if (old[subtask] !== undefined) op.restoreState(old[subtask]);
    return;
  }
  if (node.keyedInput) {
    const mine = keyGroupRange(subtask, node.parallelism, maxParallelism);
    for (let s = 0; s < oldP; s++) {
      if (old[s] === undefined) continue;
      const theirs = keyGroupRange(s, oldP, maxParallelism);
      if (theirs.end < mine.start || theirs.start > mine.end) continue;
      op.restoreState(old[s]);
    }
    return;
  }
  op.restoreRescaled(Array.from({ length: oldP }, (_, s) => old[s]), oldP);
}
