import { unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { acknowledgeSnapshot } from '../checkpoint/job-checkpoints.js';
import type { TaskAck } from '../checkpoint/coordinator.js';
import type { Row } from '../collector.js';
import { Operator } from '../operator.js';
import type { OperatorInput } from './chain-collectors.js';
import { Task } from './task.js';

/** Keeps the values it saw in an array it mutates in place (a snapshot must not see later records). */
class Collecting extends Operator {
  seen: number[] = [];
  processElement(value: Row): void {
    this.seen.push(value.v as number);
  }
  override snapshotState(): unknown {
    return { seen: this.seen };
  }
}

/** Captures its state at the barrier and hands it over when the test releases it. */
class Deferred extends Operator {
  seen: number[] = [];
  ids: number[] = [];
  release: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  processElement(value: Row): void {
    this.seen.push(value.v as number);
  }
  override snapshotState(checkpointId: number): Promise<unknown> {
    this.ids.push(checkpointId);
    const captured = [...this.seen];
    return new Promise((resolve, reject) => this.release.push({ resolve: () => resolve({ captured }), reject }));
  }
}

function chain() {
  const first = new Collecting();
  const second = new Deferred();
  const task = new Task('c', 0, [
    { nodeId: 'first', operator: first },
    { nodeId: 'second', operator: second },
  ], 1);
  task.head = {
    collect: (v: Row) => {
      first.processElement(v);
      second.processElement(v);
    },
    emitWatermark: () => undefined,
  } as unknown as OperatorInput;
  const acks: TaskAck[] = [];
  const declines: string[] = [];
  task.onSnapshot = (s) =>
    acknowledgeSnapshot(
      s,
      false,
      (a) => acks.push(a),
      (id, reason) => declines.push(`${id}: ${reason}`),
    );
  return { first, second, task, acks, declines };
}

const rec = (task: Task, v: number) => task.receiveRecord(0, { v }, v, undefined);

/** The operator states of an acknowledged task file, decoded. */
function states(ack: TaskAck): unknown[] {
  const file = unpack(ack.bytes) as { operators: Array<{ packed?: Uint8Array }> };
  return file.operators.map((o) => (o.packed === undefined ? undefined : unpack(o.packed)));
}

describe('asynchronous snapshotState', () => {
  it('gets the checkpoint id; records after the barrier flow before the state resolves; the ack holds the state of the barrier', async () => {
    const { second, task, acks } = chain();
    rec(task, 1);
    rec(task, 2);
    task.receiveBarrier(0, 7);
    expect(second.ids).toEqual([7]);
    rec(task, 3);
    rec(task, 4);
    await Promise.resolve();
    expect(acks).toHaveLength(0);
    second.release[0]!.resolve();
    await settle(() => acks.length === 1);
    // The synchronous state was packed at the barrier although its array grew afterwards.
    expect(states(acks[0]!)).toEqual([{ seen: [1, 2] }, { captured: [1, 2] }]);
    expect(acks[0]!.checkpointId).toBe(7);
    expect(second.seen).toEqual([1, 2, 3, 4]);
  });

  it('a rejected snapshot declines the checkpoint, naming the operator, and acknowledges nothing', async () => {
    const { second, task, acks, declines } = chain();
    rec(task, 1);
    task.receiveBarrier(0, 3);
    second.release[0]!.reject(new Error('disk gone'));
    await settle(() => declines.length === 1);
    expect(declines[0]).toMatch(/^3: .*second.*disk gone/);
    expect(acks).toHaveLength(0);
  });

  it('a newer checkpoint can be acknowledged while an older one is still being written', async () => {
    const { second, task, acks } = chain();
    rec(task, 1);
    task.receiveBarrier(0, 1);
    rec(task, 2);
    task.receiveBarrier(0, 2);
    second.release[1]!.resolve();
    await settle(() => acks.length === 1);
    second.release[0]!.resolve();
    await settle(() => acks.length === 2);
    expect(acks.map((a) => [a.checkpointId, states(a)[1]])).toEqual([
      [2, { captured: [1, 2] }],
      [1, { captured: [1] }],
    ]);
  });
});

/** Waits for microtasks and timers until `cond` holds (no fixed sleep). */
async function settle(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  expect(cond()).toBe(true);
}
