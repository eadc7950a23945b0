import { attribute } from '../errors.js';
import { END_OF_INPUT } from '../operator.js';
import { yieldToEventLoop, type Sleeper } from './sleeper.js';
import type { Task } from './task.js';

/** Records per poll: big enough to amortize the loop, small enough to stop and flush promptly. */
export const SOURCE_BATCH = 4096;
/** Longest stretch the loop keeps the event loop busy before yielding (the server must stay responsive). */
const YIELD_AFTER_MS = 10;
/** How often a source parked at a stop-with-savepoint barrier looks again (stop and resume wake it sooner). */
const PARKED_POLL_MS = 100;
/**
 * Shortest sleep of a rate-limited source (a timer's resolution): it then emits every record that
 * fell due meanwhile. 5 ms made records up to 5 ms late at low rates (Nexmark q0 at 10k events/s:
 * p50/p99 3/6 ms, 1/2 ms with 1 ms, Flink's generator 0/2 ms); records batch up at the exchange
 * anyway (LINGER_MS), so shorter sleeps cost only timer wake-ups.
 */
const MIN_SLEEP_MS = 1;

export interface SourceControl {
  /** False once the job is stopping or failing. */
  readonly running: boolean;
  readonly sleeper: Sleeper;
  /** Resolves once the task's output channels have credit again (threaded runtime only). */
  awaitCredit?(task: Task): Promise<void>;
  /**
   * What the source must wait for before polling again because a sink has too much output in
   * flight (default: its own chain's {@link Task.backlog}); the in-process runtime looks at every
   * task, since records reach the others by direct call.
   */
  backlog?(task: Task): Promise<void> | undefined;
  /** Time the source waited for a sink's backlog (threaded runtime only: back-pressured time). */
  onBacklog?(task: Task, ms: number): void;
  /** Longest stretch between yields (default 10 ms); workers yield sooner so credits flow back promptly. */
  yieldAfterMs?: number;
  /** Time spent polling the source, for the busy ratio (threaded runtime only). */
  onBusy?(task: Task, ms: number): void;
}

/**
 * Runs one source task: polls batches, limits the rate against the wall clock (sleeping on
 * timers, never spinning), yields to the event loop regularly, and ends the task when a bounded
 * source is exhausted. Exceptions propagate, tagged with the source's node id.
 */
export async function runSource(task: Task, control: SourceControl): Promise<void> {
  const { operator, output } = task.source!;
  const nodeId = task.chainId;
  const rate = operator.ratePerSec;
  const started = performance.now();
  let emitted = 0;
  let lastYield = started;
  const yieldAfter = control.yieldAfterMs ?? YIELD_AFTER_MS;
  while (control.running) {
    // Checkpoint barriers are injected between polls: the source's position matches what it emitted.
    if (task.pendingBarriers.length > 0) task.emitPendingBarriers();
    // Stopped at a stop-with-savepoint barrier: wait for the job to stop (or the savepoint to fail).
    if (task.parked) {
      await control.sleeper.sleep(PARKED_POLL_MS);
      lastYield = performance.now();
      continue;
    }
    if (control.awaitCredit !== undefined && task.blocked) {
      await control.awaitCredit(task);
      continue;
    }
    const backlog = control.backlog !== undefined ? control.backlog(task) : task.backlog();
    if (backlog !== undefined) {
      const t0 = performance.now();
      // Woken regularly so that a stop is seen while the external system stays slow or down.
      await Promise.race([backlog, control.sleeper.sleep(PARKED_POLL_MS)]);
      control.onBacklog?.(task, performance.now() - t0);
      lastYield = performance.now();
      continue;
    }
    let max = SOURCE_BATCH;
    if (rate !== undefined) {
      const elapsed = performance.now() - started;
      const due = Math.floor((elapsed * rate) / 1000) + 1 - emitted;
      if (due <= 0) {
        await control.sleeper.sleep(Math.max(MIN_SLEEP_MS, Math.ceil((emitted * 1000) / rate - elapsed)));
        lastYield = performance.now();
        continue;
      }
      max = Math.min(max, due);
    }
    output.batchTime = Date.now();
    let n: number;
    const t0 = control.onBusy === undefined ? 0 : performance.now();
    try {
      n = await operator.pollNext(max);
    } catch (e) {
      throw attribute(nodeId, e);
    }
    if (control.onBusy !== undefined) control.onBusy(task, performance.now() - t0);
    if (!control.running) return;
    task.flush();
    if (n === END_OF_INPUT) {
      task.endOfSource();
      task.flush();
      return;
    }
    emitted += n;
    if (performance.now() - lastYield > yieldAfter) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  }
}
