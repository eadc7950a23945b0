import type { CheckpointInfo } from '@riffle/shared';
import type { StateCreator } from 'zustand/vanilla';
import type { ConsoleState } from './console-store';

export interface CheckpointSlice {
  /** Newest first, as the REST list gives them. */
  checkpoints: readonly CheckpointInfo[];
  /** False while the server has no checkpoints route (or the list could not be fetched). */
  checkpointsKnown: boolean;
  setCheckpoints(list: readonly CheckpointInfo[]): void;
  /** A `checkpoint:*` event: replaces the entry with the same id or adds it. */
  checkpointEvent(c: CheckpointInfo): void;
}

export const createCheckpointSlice: StateCreator<ConsoleState, [], [], CheckpointSlice> = (set, get) => ({
  checkpoints: [],
  checkpointsKnown: false,
  setCheckpoints: (list) => set({ checkpoints: [...list].sort((a, b) => b.id - a.id), checkpointsKnown: true }),
  checkpointEvent: (c) => {
    const rest = get().checkpoints.filter((x) => x.id !== c.id);
    set({ checkpoints: [c, ...rest].sort((a, b) => b.id - a.id) });
  },
});
