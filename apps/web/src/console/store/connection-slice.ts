import type { StateCreator } from 'zustand/vanilla';
import type { ConsoleState } from './console-store';

/**
 * `connecting` until the first subscribe ack, `live` while the socket is up, `offline` after it
 * dropped (socket.io retries on its own; `attempt` counts the retries), `gone` when the server
 * does not know the job.
 */
export type LinkState = 'connecting' | 'live' | 'offline' | 'gone';

export interface Connection {
  state: LinkState;
  /** Epoch ms of the last change of state. */
  since: number;
  /** Why it is offline, in words a user can act on. */
  reason?: string;
  attempt: number;
}

export interface ConnectionSlice {
  connection: Connection;
  linkLive(): void;
  linkOffline(reason: string): void;
  linkRetrying(attempt: number): void;
  linkGone(reason: string): void;
}

export const createConnectionSlice: StateCreator<ConsoleState, [], [], ConnectionSlice> = (set, get) => ({
  connection: { state: 'connecting', since: Date.now(), attempt: 0 },
  linkLive: () => set({ connection: { state: 'live', since: Date.now(), attempt: 0 } }),
  linkOffline: (reason) => {
    const c = get().connection;
    // Keep the time it first dropped: the banner says how long the page has been offline.
    set({ connection: { state: 'offline', since: c.state === 'offline' ? c.since : Date.now(), reason, attempt: c.attempt } });
  },
  linkRetrying: (attempt) => {
    const c = get().connection;
    set({ connection: { ...c, state: c.state === 'live' || c.state === 'gone' ? 'offline' : c.state, attempt } });
  },
  linkGone: (reason) => set({ connection: { state: 'gone', since: Date.now(), reason, attempt: 0 } }),
});
