import type { CheckpointInfo } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { createConsoleStore } from './console-store';

const chk = (id: number, status: CheckpointInfo['status']): CheckpointInfo => ({ jobId: 'j', id, kind: 'checkpoint', status, startedAt: id, bytes: 0, alignmentMs: 0, retained: true });

describe('console store', () => {
  it('tracks the link: connecting → live → offline (keeping when it dropped) → retrying → live', () => {
    const s = createConsoleStore();
    expect(s.getState().connection.state).toBe('connecting');
    s.getState().linkLive();
    s.getState().linkOffline('the connection to the server was lost');
    const dropped = s.getState().connection.since;
    s.getState().linkRetrying(3);
    s.getState().linkOffline('cannot reach the server');
    expect(s.getState().connection).toMatchObject({ state: 'offline', reason: 'cannot reach the server', attempt: 3, since: dropped });
    s.getState().linkLive();
    expect(s.getState().connection).toMatchObject({ state: 'live', attempt: 0 });
  });

  it('a retry while live means the link dropped', () => {
    const s = createConsoleStore();
    s.getState().linkLive();
    s.getState().linkRetrying(1);
    expect(s.getState().connection.state).toBe('offline');
  });

  it('keeps checkpoints newest first, replacing an in-progress entry by its completion', () => {
    const s = createConsoleStore();
    expect(s.getState().checkpointsKnown).toBe(false);
    s.getState().setCheckpoints([chk(1, 'completed'), chk(2, 'completed')]);
    s.getState().checkpointEvent(chk(3, 'in_progress'));
    s.getState().checkpointEvent(chk(3, 'completed'));
    expect(s.getState().checkpoints.map((c) => [c.id, c.status])).toEqual([
      [3, 'completed'],
      [2, 'completed'],
      [1, 'completed'],
    ]);
    expect(s.getState().checkpointsKnown).toBe(true);
  });

  it('remembers the inspected node', () => {
    const s = createConsoleStore();
    s.getState().inspect('perWindow');
    expect(s.getState().inspected).toBe('perWindow');
    s.getState().inspect(undefined);
    expect(s.getState().inspected).toBeUndefined();
  });
});
