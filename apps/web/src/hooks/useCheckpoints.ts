import { useCallback, useEffect, useState } from 'react';
import type { CheckpointInfo, RestartEvent } from '@riffle/shared';
import { followCheckpoints } from '../api/checkpoint-feed';
import { listCheckpoints, restoreSnapshot, triggerSnapshot } from '../api/checkpoints-api';
import { getJob } from '../api/jobs-api';
import { upsertCheckpoint } from '../lib/checkpoint-list';
import { parallelismToSend } from '../lib/restore-parallelism';

export interface CheckpointsView {
  list: readonly CheckpointInfo[];
  lastRestart?: RestartEvent;
  /** The last action's failure, in the server's words. */
  error?: string;
  /** An action is waiting for the server's answer. */
  busy: boolean;
  /** The job's parallelism and key groups as it runs now (from its record; undefined until known). */
  parallelism?: number;
  maxParallelism: number;
  trigger(kind: 'checkpoint' | 'savepoint'): Promise<void>;
  /** Restores `c`, at another parallelism when `parallelism` differs from the job's. */
  restore(c: CheckpointInfo, parallelism?: number): Promise<boolean>;
  dismissError(): void;
}

/**
 * A job's checkpoints, live: the list from the socket's subscribe acknowledgement (REST when the
 * socket is slow), updated by `checkpoint:*` events; actions report failures in `error`.
 */
export function useCheckpoints(jobId: string): CheckpointsView {
  const [list, setList] = useState<readonly CheckpointInfo[]>([]);
  const [lastRestart, setLastRestart] = useState<RestartEvent>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [scale, setScale] = useState<{ parallelism?: number; maxParallelism: number }>({ maxParallelism: 128 });

  const refresh = useCallback(async () => {
    // The last restart happened maybe before this panel was mounted: the job record has it.
    void getJob(jobId).then((j) => {
      if (!j) return;
      if (j.lastRestart) setLastRestart(j.lastRestart);
      // A restore may have changed it: the record's spec is the one running.
      setScale({ parallelism: j.spec.config.parallelism, maxParallelism: j.spec.config.maxParallelism });
    });
    await listCheckpoints(jobId).then(setList, (e: Error) => setError(e.message));
  }, [jobId]);

  useEffect(() => {
    setList([]);
    setError(undefined);
    setLastRestart(undefined);
    void refresh();
    return followCheckpoints(jobId, {
      onList: setList,
      onCheckpoint: (c) => {
        setList((l) => upsertCheckpoint(l, c));
        // A completed one may have pushed the oldest out of `retain`: the event does not say which,
        // the server's list (from disk) does, so its Restore button goes away.
        if (c.status === 'completed') void listCheckpoints(jobId).then(setList, () => undefined);
      },
      onRestart: (e) => {
        setLastRestart(e);
        void refresh();
      },
    });
  }, [jobId, refresh]);

  const act = async (f: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  return {
    list,
    ...(lastRestart ? { lastRestart } : {}),
    ...(error ? { error } : {}),
    busy,
    ...scale,
    trigger: async (kind) => {
      await act(() => triggerSnapshot(jobId, kind));
    },
    restore: (c, parallelism) => act(() => restoreSnapshot(jobId, c, parallelism === undefined ? undefined : parallelismToSend(parallelism, scale.parallelism))),
    dismissError: () => setError(undefined),
  };
}
