import { describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '@riffle/shared';
import { formatBytes, formatMs, inProgress, upsertCheckpoint } from './checkpoint-list';

const c = (id: number, status: CheckpointInfo['status'], extra: Partial<CheckpointInfo> = {}): CheckpointInfo => ({
  jobId: 'j',
  id,
  kind: 'checkpoint',
  status,
  startedAt: 1000 + id,
  bytes: 0,
  alignmentMs: 0,
  retained: false,
  ...extra,
});

describe('checkpoint list', () => {
  it('adds new checkpoints newest first and replaces one that progresses', () => {
    let list = upsertCheckpoint([], c(1, 'completed', { retained: true }));
    list = upsertCheckpoint(list, c(2, 'in_progress', { acknowledged: 1, total: 3 }));
    expect(list.map((x) => x.id)).toEqual([2, 1]);
    expect(inProgress(list)?.id).toBe(2);
    list = upsertCheckpoint(list, c(2, 'completed', { bytes: 2048, retained: true }));
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ id: 2, status: 'completed', bytes: 2048, retained: true });
    expect(inProgress(list)).toBeUndefined();
  });

  it('keeps a savepoint and a checkpoint of the same number apart', () => {
    const list = upsertCheckpoint([c(3, 'completed')], c(3, 'completed', { kind: 'savepoint', startedAt: 1003 }));
    expect(list).toHaveLength(2);
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 kB');
    expect(formatBytes(12_345_678)).toBe('12 MB');
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(2300)).toBe('2.3 s');
    expect(formatMs(undefined)).toBe('');
  });
});
