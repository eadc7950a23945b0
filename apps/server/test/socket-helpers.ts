import { io, type Socket } from 'socket.io-client';
import { JOBS_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@riffle/shared';
import type { RiffleServer } from '../src/index.js';

export type JobsClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A connected client of the server's `/jobs` namespace (WebSocket only, no reconnection). */
export async function connectJobs(server: RiffleServer): Promise<JobsClient> {
  const c: JobsClient = io(new URL(JOBS_NAMESPACE, server.url).href, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((res, rej) => {
    c.once('connect', () => res());
    c.once('connect_error', rej);
  });
  return c;
}
