import { describe, expect, it } from 'vitest';
import { flinkSnapshotId, operatorBytes, toCheckpointStats } from './flink-checkpoints.js';

describe('Flink checkpoint history → Riffle checkpoint entries', () => {
  it('names checkpoints chk-<n> and savepoints by their folder', () => {
    expect(flinkSnapshotId({ id: 7, is_savepoint: false })).toBe('chk-7');
    expect(flinkSnapshotId({ id: 8, is_savepoint: true, external_path: 'file:/tmp/f/savepoints/savepoint-3f2a1b-5c6d7e8f9a0b' })).toBe('sp-savepoint-3f2a1b-5c6d7e8f9a0b');
    expect(flinkSnapshotId({ id: 8, is_savepoint: true, external_path: 'file:/tmp/f/savepoints/savepoint-3f2a1b-5c6d7e8f9a0b/' })).toBe('sp-savepoint-3f2a1b-5c6d7e8f9a0b');
    // In progress: no path yet. A folder name outside the API's id alphabet is not named.
    expect(flinkSnapshotId({ id: 9, is_savepoint: true })).toBeUndefined();
    expect(flinkSnapshotId({ id: 9, is_savepoint: true, external_path: 's3://b/sp with space' })).toBeUndefined();
  });

  it('maps status, sizes, duration, progress and failure, oldest first', () => {
    const stats = toCheckpointStats({
      history: [
        { id: 3, status: 'IN_PROGRESS', is_savepoint: false, trigger_timestamp: 3000, num_subtasks: 4, num_acknowledged_subtasks: 1, state_size: 0 },
        { id: 2, status: 'FAILED', is_savepoint: false, trigger_timestamp: 2000, end_to_end_duration: 60_000, failure_message: 'Checkpoint expired before completing.', num_subtasks: 4, num_acknowledged_subtasks: 2 },
        { id: 1, status: 'COMPLETED', is_savepoint: true, trigger_timestamp: 1000, end_to_end_duration: 120, state_size: 4096, checkpointed_size: 1024, external_path: 'file:/x/savepoint-ab-cd', num_subtasks: 4, num_acknowledged_subtasks: 4 },
      ],
    });
    expect(stats).toEqual([
      { id: 1, snapshotId: 'sp-savepoint-ab-cd', kind: 'savepoint', status: 'completed', startedAt: 1000, durationMs: 120, bytes: 4096, alignmentMs: 0, acknowledged: 4, total: 4 },
      { id: 2, snapshotId: 'chk-2', kind: 'checkpoint', status: 'failed', startedAt: 2000, durationMs: 60_000, bytes: 0, alignmentMs: 0, acknowledged: 2, total: 4, error: 'Checkpoint expired before completing.' },
      { id: 3, snapshotId: 'chk-3', kind: 'checkpoint', status: 'in_progress', startedAt: 3000, bytes: 0, alignmentMs: 0, acknowledged: 1, total: 4 },
    ]);
    expect(toCheckpointStats({})).toEqual([]);
  });

  it('gives a chained vertex state to its keyed-state node, else its source, and 0 to the rest, so the figures add up', () => {
    const nodes = [
      { id: 'src', kind: 'source.kafka' },
      { id: 'keep', kind: 'filter' },
      { id: 'by', kind: 'keyBy' },
      { id: 'win', kind: 'window.tumbling' },
      { id: 'out', kind: 'sink.file' },
      { id: 'lost', kind: 'sink.file' },
    ];
    const nodeVertex = { src: 'v1', keep: 'v1', by: 'v2', win: 'v2', out: 'v3' };
    const details = { tasks: { v1: { state_size: 100 }, v2: { state_size: 5000, checkpointed_size: 4000 }, v3: { checkpointed_size: 7 } } };
    expect(operatorBytes(nodes, nodeVertex, details)).toEqual([
      { nodeId: 'src', bytes: 100 },
      { nodeId: 'keep', bytes: 0 },
      { nodeId: 'by', bytes: 0 },
      { nodeId: 'win', bytes: 5000 },
      { nodeId: 'out', bytes: 7 },
    ]);
  });
});
