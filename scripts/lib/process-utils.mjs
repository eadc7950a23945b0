// Helpers shared by the test-service scripts (scripts/kafka, scripts/postgres). Plain ESM.
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a test service). */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (err) { return err.code === 'EPERM'; }
}
