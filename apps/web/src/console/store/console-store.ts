import type { JobInfo } from '@riffle/shared';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createCheckpointSlice, type CheckpointSlice } from './checkpoint-slice';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice';
import { createErrorsSlice, type ErrorsSlice } from './errors-slice';

export interface InspectSlice {
  /** The node whose detail is open. */
  inspected?: string;
  inspect(nodeId: string | undefined): void;
}

export interface JobInfoSlice {
  /** The job as the last subscribe ack described it (name, start and end times). */
  info?: JobInfo;
  setInfo(info: JobInfo): void;
}

export type ConsoleState = ConnectionSlice & CheckpointSlice & ErrorsSlice & InspectSlice & JobInfoSlice;
export type ConsoleStore = StoreApi<ConsoleState>;

/**
 * The job page's own state: the socket's health, the job's checkpoints, its failures and dead
 * letters (REST history, then socket pushes) and the inspected node.
 * The job itself (status, metrics history) lives in the page's editor store, whose job slice the
 * canvas node components already read.
 * @example
 * const store = createConsoleStore();
 * store.getState().linkOffline('transport close');
 */
export function createConsoleStore(): ConsoleStore {
  return createStore<ConsoleState>()((...a) => ({
    ...createConnectionSlice(...a),
    ...createCheckpointSlice(...a),
    ...createErrorsSlice(...a),
    inspected: undefined,
    inspect: (nodeId) => a[0]({ inspected: nodeId }),
    info: undefined,
    setInfo: (info) => a[0]({ info }),
  }));
}
