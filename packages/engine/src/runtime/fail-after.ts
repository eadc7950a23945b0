import type { Task } from './task.js';

/**
 * Test-only failure injection (Flink's FailingMapper): subtask 0 of operator `nodeId` throws once
 * it has processed `records` records (with `afterCheckpoint`: records after the run's first
 * completed checkpoint, so a restart always has one to restore). It comes in through
 * `EngineOptions.debugFailAfter`, never through a job spec, so a user's job cannot reach it.
 */
export interface FailAfter {
  nodeId: string;
  records: number;
  afterCheckpoint?: boolean;
}

/** Arms `f` on the tasks built here (a no-op without `f` or when subtask 0 of the node runs elsewhere). */
export function armFailAfter(tasks: readonly Task[], f: FailAfter | undefined): void {
  if (f === undefined) return;
  for (const t of tasks) {
    if (t.subtaskIndex !== 0) continue;
    const member = t.members.find((m) => m.nodeId === f.nodeId);
    if (member === undefined) continue;
    const op = member.operator;
    const original = op.processElement.bind(op);
    let seen = 0;
    let armed = f.afterCheckpoint !== true;
    const notify = op.notifyCheckpointComplete.bind(op);
    op.notifyCheckpointComplete = (id) => {
      armed = true;
      notify(id);
    };
    op.processElement = (value, timestamp, key) => {
      if (armed && ++seen > f.records) throw new Error(`debugFailAfter: ${f.nodeId} fails deliberately after ${f.records} records`);
      original(value, timestamp, key);
    };
  }
}
