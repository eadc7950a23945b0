import type { Task } from './task.js';

/**
 * Test-only slowness (T9's slow sink): every subtask of operator `nodeId` that runs here blocks
 * its thread for `msPerRecord` before each record, as a sink waiting on a slow external system
 * synchronously would, so back-pressure fills the channels and barriers queue behind records. It
 * comes in through `EngineOptions.debugSlowNode`, never through a job spec.
 */
export interface SlowNode {
  nodeId: string;
  msPerRecord: number;
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
    const original = op.processElement.bind(op);
    op.processElement = (value, timestamp, key) => {
      Atomics.wait(cell, 0, 0, s.msPerRecord);
      original(value, timestamp, key);
    };
  }
}
