import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerInit } from './worker-protocol.js';

/**
 * The worker entry must be JavaScript: next to this module when it runs from dist/; when this
 * module runs from src/ (vitest runs tests against the sources), the built copy in dist/ — the
 * test suite's global setup builds it first.
 */
export function workerEntry(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../dist/runtime/worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error('engine worker not built: run `npx tsc -p tsconfig.build.json` in packages/engine');
}

/** One worker thread per slot; tracks which ones are still alive. */
export class WorkerPool {
  readonly workers: Worker[] = [];
  private readonly exited = new Map<Worker, Promise<number>>();
  private alive = 0;

  constructor(inits: WorkerInit[]) {
    const entry = workerEntry();
    for (const init of inits) {
      const w = new Worker(entry, { workerData: init, name: `riffle-${init.jobId.slice(0, 8)}-${init.index}` });
      this.alive++;
      this.exited.set(w, new Promise((resolve) => w.once('exit', (code) => (this.alive--, resolve(code)))));
      this.workers.push(w);
    }
  }

  /** Worker threads not yet exited. */
  get aliveCount(): number {
    return this.alive;
  }

  /** Resolves with the exit code once the worker has exited. */
  exit(w: Worker): Promise<number> {
    return this.exited.get(w)!;
  }

  /** Waits up to `graceMs` for every worker to exit by itself, then terminates the rest. */
  async shutdown(graceMs: number): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs).unref());
        if ((await Promise.race([this.exit(w), timer])) === 'late') await w.terminate();
        await this.exit(w);
      }),
    );
  }
}
