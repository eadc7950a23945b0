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
