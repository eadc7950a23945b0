import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromWorker } from './worker-protocol.js';

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

export interface WorkerPoolOptions {
  /**
   * Idle threads kept for the next job (default: one per CPU core). A job's threads go back to
   * the pool only when every one of them ended the job cleanly; after a failure they are ended.
   */
  maxIdle?: number;
  /** An idle thread ends after this long without a job (default 10 minutes). */
  idleMs?: number;
  /**
   * A thread whose V8 heap is larger than this when its job ends is ended rather than kept idle
   * (default 128 MiB): a finished job's garbage and the heap it grew stay with an idle thread
   * (measured: a 100k-key window job left ~85 MB of RSS per idle thread), while a job that
   * needed that much memory gains little from a warm start.
   */
  maxIdleHeapBytes?: number;
}

/**
 * Engine worker threads, like Flink's TaskManagers: a job leases one thread per slot, and when it
 * has ended cleanly the threads wait, idle, for the next job instead of exiting. A thread that
 * ran a pipeline has compiled it (V8 optimizes hot code per thread, ~0.3 CPU-s for a keyed job on
 * two threads), so a job on warm threads starts faster and runs at full speed from its first
 * records. One job at a time per thread: jobs never share a thread, a failed job's threads are
 * ended, not reused.
 *
 * Idle threads do not keep the process alive (`unref`) and end after `idleMs`; `close()` ends
 * them all. A pool with `maxIdle: 0` ends every thread when its job ends (what `Engine.start`
 * does for a job started without a pool).
 */
export class WorkerPool {
  private readonly idle: Array<{ worker: Worker; timer: NodeJS.Timeout }> = [];
  private readonly exited = new WeakMap<Worker, Promise<number>>();
  private readonly maxIdle: number;
  private readonly idleMs: number;
  private readonly maxIdleHeapBytes: number;
  private readonly osThreadIds = new Map<Worker, number>();
  private alive = 0;
  private spawned = 0;
  private closed = false;

  constructor(options: WorkerPoolOptions = {}) {
    this.maxIdle = options.maxIdle ?? availableParallelism();
    this.idleMs = options.idleMs ?? 10 * 60_000;
    this.maxIdleHeapBytes = options.maxIdleHeapBytes ?? 128 * 1024 * 1024;
  }

  /** Threads alive: leased to jobs and idle. */
  get threads(): number {
    return this.alive;
  }

  /** Threads waiting for a job. */
  get idleThreads(): number {
    return this.idle.length;
  }

  /** Threads this pool has started since it was made (a reused thread counts once). */
  get started(): number {
    return this.spawned;
  }

  /** OS thread ids of the live threads (Linux; e.g. to read their CPU time from /proc). */
  threadIds(): number[] {
    return [...this.osThreadIds.values()];
  }

  /** `n` threads for one job: idle ones first (the most recently used, the warmest), new ones for the rest. */
  lease(n: number): Worker[] {
    if (this.closed) throw new Error('the worker pool is closed');
    const out: Worker[] = [];
    while (out.length < n && this.idle.length > 0) {
      const { worker, timer } = this.idle.pop()!;
      clearTimeout(timer);
      worker.ref();
      out.push(worker);
    }
    while (out.length < n) out.push(this.spawn());
    return out;
  }

  /** Resolves with the exit code once the thread has exited. */
  exit(w: Worker): Promise<number> {
    return this.exited.get(w)!;
  }

  /**
   * A job is done with a thread. `releasedHeapBytes` defined: it answered `released` (nothing of
   * the job runs in it) with its heap size, and it waits idle if the pool keeps one more and its
   * heap is not too large; otherwise it gets `graceMs` to exit by itself (after `abort`) and is
   * then terminated.
   */
  async giveBack(w: Worker, releasedHeapBytes: number | undefined, graceMs = 0): Promise<void> {
    const reusable = releasedHeapBytes !== undefined && releasedHeapBytes <= this.maxIdleHeapBytes;
    if (reusable && !this.closed && this.idle.length < this.maxIdle) {
      w.unref();
      const timer = setTimeout(() => void this.end(w), this.idleMs);
      timer.unref();
      this.idle.push({ worker: w, timer });
      return;
    }
    if (graceMs > 0) {
      const late = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs).unref());
      if ((await Promise.race([this.exit(w), late])) !== 'late') return;
    }
    await this.terminate(w);
  }

  /** Ends every idle thread now and every leased one when its job gives it back. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map(({ worker, timer }) => (clearTimeout(timer), this.terminate(worker))));
  }

  /** Takes a thread off the idle list (and stops its idle timer); false when it was not there. */
  private takeIdle(w: Worker): boolean {
    const i = this.idle.findIndex((e) => e.worker === w);
    if (i < 0) return false;
    clearTimeout(this.idle.splice(i, 1)[0]!.timer);
    return true;
  }

  private spawn(): Worker {
    const w = new Worker(workerEntry(), { name: `riffle-worker-${this.spawned++}` });
    this.alive++;
    this.exited.set(
      w,
      new Promise((resolve) =>
        w.once('exit', (code) => {
          this.alive--;
          this.osThreadIds.delete(w);
          // An idle thread that died (it should not) is no longer offered.
          this.takeIdle(w);
          resolve(code);
        }),
      ),
    );
    w.once('message', (m: FromWorker) => {
      if (m.t === 'hello' && m.osThreadId !== undefined) this.osThreadIds.set(w, m.osThreadId);
    });
    // A thread that throws outside a job (there is no job to fail) just ends; its exit is handled above.
    w.on('error', () => undefined);
    return w;
  }

  private async end(w: Worker): Promise<void> {
    if (this.takeIdle(w)) await this.terminate(w);
  }

  private async terminate(w: Worker): Promise<void> {
    await w.terminate();
    await this.exit(w);
  }
}
