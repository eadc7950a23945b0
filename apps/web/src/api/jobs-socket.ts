import { JOBS_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@riffle/shared';
import { io, type Socket } from 'socket.io-client';
import { accessToken } from './access-token';

export type JobsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One follower's hold on the page's shared `/jobs` connection. Its listeners and rooms are its
 * own: {@link release} removes exactly them, and the connection closes with the last holder.
 */
export interface JobsLink {
  readonly socket: JobsSocket;
  /** Adds a listener (server events and `connect`, `disconnect`, `connect_error`) that {@link release} removes again. */
  on: JobsSocket['on'];
  /** A listener for the connection's reconnect attempts (attempt number), removed on release. */
  onReconnectAttempt(handler: (attempt: number) => void): void;
  /** Calls `join` now if connected and again on every (re)connect: the server forgets rooms with the connection. */
  onConnected(join: () => void): void;
  /**
   * Counts this holder in a server room (`job` or `sample`, by key); `leave` is sent when the
   * last holder of that room on this page leaves it, so one follower's exit does not unsubscribe
   * another follower of the same job.
   */
  hold(room: string, leave: () => void): void;
  release(): void;
}

let shared: { socket: JobsSocket; holders: number } | undefined;
const rooms = new Map<string, number>();

function connect(): JobsSocket {
  const socket: JobsSocket = io(JOBS_NAMESPACE, { auth: (cb) => cb({ token: accessToken() ?? '' }) });
  // After a server-side disconnect socket.io does not retry on its own.
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => shared?.socket === socket && socket.connect(), 1000);
  });
  return socket;
}

/**
 * A hold on the page's one socket.io connection to `/jobs` (the job page's graph, checkpoints
 * panel and live sample, and the builder's run, all share it: one WebSocket per page).
 * @example
 * const link = joinJobsSocket();
 * link.on('job:metrics', (m) => store.jobMetrics(m));
 * link.onConnected(() => link.socket.emit('subscribe', { jobId }, onAck));
 * link.hold(`job:${jobId}`, () => link.socket.emit('unsubscribe', { jobId }));
 * return () => link.release();
 */
export function joinJobsSocket(): JobsLink {
  shared ??= { socket: connect(), holders: 0 };
  shared.holders++;
  const { socket } = shared;
  const offs: Array<() => void> = [];
  const held: Array<[string, () => void]> = [];
  let released = false;
  return {
    socket,
    on: ((event: string, handler: (...args: unknown[]) => void) => {
      // The typed overloads do not admit a variable event name; the caller's call was type-checked.
      const s = socket as unknown as { on(e: string, f: (...args: unknown[]) => void): void; off(e: string, f: (...args: unknown[]) => void): void };
      s.on(event, handler);
      offs.push(() => s.off(event, handler));
      return socket;
    }) as unknown as JobsSocket['on'],
    onReconnectAttempt(handler) {
      socket.io.on('reconnect_attempt', handler);
      offs.push(() => socket.io.off('reconnect_attempt', handler));
    },
    onConnected(join) {
      if (socket.connected) join();
      socket.on('connect', join);
      offs.push(() => socket.off('connect', join));
    },
    hold(room, leave) {
      rooms.set(room, (rooms.get(room) ?? 0) + 1);
      held.push([room, leave]);
    },
    release() {
      if (released) return;
      released = true;
      for (const off of offs) off();
      for (const [room, leave] of held) {
        const n = (rooms.get(room) ?? 1) - 1;
        if (n > 0) rooms.set(room, n);
        else {
          rooms.delete(room);
          if (socket.connected) leave();
        }
      }
      if (shared?.socket === socket && --shared.holders === 0) {
        shared = undefined;
        rooms.clear();
        socket.disconnect();
      }
    },
  };
}
