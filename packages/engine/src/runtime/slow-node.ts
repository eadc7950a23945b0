import { SourceOperator } from '../operator.js';
import type { Task } from './task.js';

/**
 * Test-only slowness (T9's slow sink): every subtask of operator `nodeId` that runs here blocks
 * its thread for `msPerRecord` before each record, as a sink waiting on a slow external system
 * synchronously would, so back-pressure fills the channels and barriers queue behind records; with
 * `snapshotDelayMs`, each of its snapshots resolves that much later (a slow asynchronous state
 * write, without blocking), so a checkpoint stays in progress; with `pollDelayMs`, a source's polls
 * (and so its barriers) come that much later. It comes in through
 * `EngineOptions.debugSlowNode`, never through a job spec.
 */
export interface SlowNode {
  nodeId: string;
  msPerRecord: number;
  snapshotDelayMs?: number;
  /** A source: each poll first waits this long (an external system slow to answer); barriers wait with it. */
  pollDelayMs?: number;
}

/** Arms `s` on the tasks built here (a no-op without `s` or when the node runs elsewhere). */
export function armSlowNode(tasks: readonly Task[], s: SlowNode | undefined): void {
  if (s === undefined) return;
  // Atomics.wait blocks the thread without spinning a core (the machine stays usable).
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (const t of tasks) {
    const member = t.members.find((m) => m.nodeId === s.nodeId);
    if (member === undefined) continue;
    const op = member.operator;
    if (s.msPerRecord > 0) {
      const original = op.processElement.bind(op);
      op.processElement = (value, timestamp, key) => {
        Atomics.wait(cell, 0, 0, s.msPerRecord);
        original(value, timestamp, key);
      };
    }
    const pollDelay = s.pollDelayMs;
    if (pollDelay !== undefined && op instanceof SourceOperator) {
      const poll = op.pollNext.bind(op);
      op.pollNext = (max) => new Promise<void>((resolve) => setTimeout(resolve, pollDelay).unref()).then(() => poll(max));
    }
    const delay = s.snapshotDelayMs;
    if (delay !== undefined) {
      const snapshot = op.snapshotState.bind(op);
      op.snapshotState = (id) => {
        const state = snapshot(id);
        return new Promise((resolve) => setTimeout(resolve, delay).unref()).then(() => state);
      };
    }
  }
}
