import type { CheckpointStats } from '@riffle/engine';

/** One entry of `history` in `GET /jobs/:jid/checkpoints` (the fields Riffle reads). */
export interface FlinkCheckpointEntry {
  id: number;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  is_savepoint: boolean;
  trigger_timestamp: number;
  latest_ack_timestamp?: number;
  state_size?: number;
  checkpointed_size?: number;
  end_to_end_duration?: number;
  num_subtasks?: number;
  num_acknowledged_subtasks?: number;
  external_path?: string;
  discarded?: boolean;
  failure_message?: string;
}

/** The body of `GET /jobs/:jid/checkpoints` (what Riffle reads of it). */
export interface FlinkCheckpointStatistics {
  history?: FlinkCheckpointEntry[];
}

/**
 * The API's id of a Flink snapshot: `chk-<n>` for a checkpoint (as for embedded jobs), `sp-<folder>`
 * for a savepoint, from the last segment of its path (`…/savepoint-3f2a1b-5c6d7e8f9a0b`), which
 * Flink makes of hex digits and dashes and so fits the API's savepoint ids.
 */
export function flinkSnapshotId(e: Pick<FlinkCheckpointEntry, 'id' | 'is_savepoint' | 'external_path'>): string | undefined {
  if (!e.is_savepoint) return `chk-${e.id}`;
  const folder = e.external_path?.replace(/\/+$/, '').split('/').pop();
  return folder && /^[A-Za-z0-9_-]{1,97}$/.test(folder) ? `sp-${folder}` : undefined;
}

/**
 * Flink's checkpoint history as Riffle's checkpoint entries, oldest first. Flink reports no
 * alignment time in the history (only per task in a checkpoint's details): it reads 0.
 */
export function toCheckpointStats(stats: FlinkCheckpointStatistics): CheckpointStats[] {
  return (stats.history ?? [])
    .map((e): CheckpointStats => {
      const snapshotId = flinkSnapshotId(e);
      const status = e.status === 'COMPLETED' ? 'completed' : e.status === 'FAILED' ? 'failed' : 'in_progress';
      return {
        id: e.id,
        ...(snapshotId === undefined ? {} : { snapshotId }),
        kind: e.is_savepoint ? 'savepoint' : 'checkpoint',
        status,
        startedAt: e.trigger_timestamp,
        ...(status !== 'in_progress' && e.end_to_end_duration !== undefined ? { durationMs: e.end_to_end_duration } : {}),
        bytes: e.state_size ?? e.checkpointed_size ?? 0,
        alignmentMs: 0,
        ...(e.num_subtasks === undefined ? {} : { acknowledged: e.num_acknowledged_subtasks ?? 0, total: e.num_subtasks }),
        ...(status === 'failed' ? { error: e.failure_message ?? 'the checkpoint failed in Flink' } : {}),
      };
    })
    .sort((a, b) => a.id - b.id);
}

/** `GET /jobs/:jid/checkpoints/details/:id`: per vertex (task) sizes. */
export interface FlinkCheckpointDetails {
  tasks?: Record<string, { state_size?: number; checkpointed_size?: number }>;
}

/** `GET /jobs/:jid/checkpoints/details/:id/subtasks/:vid`: the vertex's alignment over its subtasks. */
export interface FlinkTaskCheckpointDetails {
  summary?: { alignment?: { duration?: { max?: number } } };
}

/** Kinds whose operators keep keyed state: the node a chained vertex's state belongs to. */
const KEYED_STATE = /^(window\.|join\.|reduce$|over$|dedupe$)/;

/**
 * State bytes per node from Flink's per-vertex sizes. Flink chains several nodes into one vertex
 * and reports its state as one figure: it goes to the vertex's keyed-state node (a window, join,
 * reduce, over or dedupe), else its source, else its first node; the vertex's other nodes read 0,
 * so the figures add up to the checkpoint's size.
 */
export function operatorBytes(nodes: ReadonlyArray<{ id: string; kind: string }>, nodeVertex: Record<string, string>, details: FlinkCheckpointDetails): Array<{ nodeId: string; bytes: number }> {
  const owner = new Map<string, string>();
  const rank = (kind: string) => (KEYED_STATE.test(kind) ? 0 : kind.startsWith('source.') ? 1 : 2);
  const kindOf = new Map(nodes.map((n) => [n.id, n.kind]));
  for (const n of nodes) {
    const v = nodeVertex[n.id];
    if (v === undefined) continue;
    const current = owner.get(v);
    if (current === undefined || rank(n.kind) < rank(kindOf.get(current)!)) owner.set(v, n.id);
  }
  return nodes
    .filter((n) => nodeVertex[n.id] !== undefined)
    .map((n) => {
      const v = nodeVertex[n.id]!;
      const t = details.tasks?.[v];
      return { nodeId: n.id, bytes: owner.get(v) === n.id ? (t?.state_size ?? t?.checkpointed_size ?? 0) : 0 };
    });
}
