import { describe, expect, it } from 'vitest';
import type { Row } from '../collector.js';
import { Operator } from '../operator.js';
import { RebalancePartitioner } from '../partitioners/index.js';
import type { OperatorInput } from './chain-collectors.js';
import { decodeBatch, encodeBatch, type Batch } from './batch.js';
import { BatchChannel } from './batch-channel.js';
import type { OutputChannel } from './channel.js';
import { ExchangeWriter } from './exchange-writer.js';
import { Task, type TaskSnapshot } from './task.js';

/** Counts records; its state is the count. */
class Counter extends Operator {
  n = 0;
  processElement(): void {
    this.n++;
  }
  override snapshotState(): unknown {
    return this.n;
  }
}

/** A task with `channels` inputs, a counting head, and one output channel that records what leaves. */
function twoInputTask(mode: 'exactly-once' | 'at-least-once', channels = 2) {
  const op = new Counter();
  const task = new Task('c', 0, [{ nodeId: 'count', operator: op }], channels);
  const seen: string[] = [];
  task.head = {
    collect: (v: Row) => {
      op.n++;
      seen.push(`r${String(v.v)}`);
    },
    emitWatermark: (wm: number) => void seen.push(`wm${wm}`),
  } as unknown as OperatorInput;
  const out: string[] = [];
  const ch: OutputChannel = {
    writeRecord: () => undefined,
    writeWatermark: () => undefined,
    writeEndOfInput: () => void out.push('end'),
    writeBarrier: (id) => void out.push(`barrier${id}`),
    flush() {},
  };
  task.writers.push(new ExchangeWriter(new RebalancePartitioner(0), [ch]));
  const snapshots: TaskSnapshot[] = [];
  task.checkpointMode = mode;
  task.onSnapshot = (s) => {
    snapshots.push(s);
    out.push(`snapshot${s.checkpointId}`);
  };
  return { task, seen, out, snapshots };
}

const rec = (task: Task, channel: number, v: number) => task.receiveRecord(channel, { v }, v, undefined);

describe('barrier alignment', () => {
  it('exactly-once: a channel that delivered barrier n is held back until every channel did; the snapshot excludes what came after', () => {
    const { task, seen, out, snapshots } = twoInputTask('exactly-once');
    rec(task, 0, 1);
    task.receiveBarrier(0, 1);
    expect(task.isBlocked(0)).toBe(true);
    rec(task, 0, 2); // behind the barrier: held
    task.receiveWatermark(0, 50); // held too, in order
    rec(task, 1, 3); // channel 1 has not delivered the barrier: processed
    expect(seen).toEqual(['r1', 'r3']);
    expect(snapshots).toEqual([]);
    task.receiveBarrier(1, 1);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.operators).toEqual([{ nodeId: 'count', state: 2 }]); // r1 and r3, not r2
    expect(snapshots[0]!.alignmentMs).toBeGreaterThanOrEqual(0);
    // The barrier leaves after the snapshot, then the held elements are processed in order.
    expect(out).toEqual(['snapshot1', 'barrier1']);
    expect(seen).toEqual(['r1', 'r3', 'r2']);
    expect(task.isBlocked(0)).toBe(false);
    task.receiveWatermark(1, 60);
    expect(seen).toEqual(['r1', 'r3', 'r2', 'wm50']);
  });

  it('at-least-once: nothing is held back; the snapshot is taken at the last barrier and includes records after the first', () => {
    const { task, seen, snapshots } = twoInputTask('at-least-once');
    task.receiveBarrier(0, 1);
    expect(task.isBlocked(0)).toBe(false);
    rec(task, 0, 1);
    rec(task, 1, 2);
    expect(snapshots).toEqual([]);
    task.receiveBarrier(1, 1);
    expect(seen).toEqual(['r1', 'r2']);
    expect(snapshots[0]!.operators[0]!.state).toBe(2);
  });

  it('a single input snapshots on the barrier; an ended channel does not hold an alignment back', () => {
    const one = twoInputTask('exactly-once', 1);
    rec(one.task, 0, 1);
    one.task.receiveBarrier(0, 3);
    expect(one.out).toEqual(['snapshot3', 'barrier3']);

    const two = twoInputTask('exactly-once');
    two.task.receiveBarrier(0, 1);
    rec(two.task, 0, 9);
    two.task.receiveEndOfInput(1);
    expect(two.snapshots).toHaveLength(1);
    expect(two.seen).toEqual(['r9']);
  });

  it('a newer barrier abandons an older alignment, and a barrier held behind another is replayed into the next alignment', () => {
    const { task, seen, snapshots } = twoInputTask('exactly-once');
    task.receiveBarrier(0, 1);
    rec(task, 0, 1);
    task.receiveBarrier(0, 2); // held behind barrier 1 on channel 0
    rec(task, 0, 2);
    task.receiveBarrier(1, 1);
    expect(snapshots.map((s) => s.checkpointId)).toEqual([1]);
    // Replay: r1 processed, barrier 2 starts a new alignment, r2 held behind it.
    expect(seen).toEqual(['r1']);
    expect(task.isBlocked(0)).toBe(true);
    task.receiveBarrier(1, 2);
    expect(snapshots.map((s) => s.checkpointId)).toEqual([1, 2]);
    expect(seen).toEqual(['r1', 'r2']);

    task.receiveBarrier(0, 3); // 3 is never completed: channel 1 sends 4
    rec(task, 0, 3);
    task.receiveBarrier(1, 4);
    expect(seen).toEqual(['r1', 'r2', 'r3']);
    expect(task.isBlocked(1)).toBe(true);
    task.receiveBarrier(0, 4);
    expect(snapshots.map((s) => s.checkpointId)).toEqual([1, 2, 4]);
  });
});

describe('barriers in worker batches', () => {
  it('a barrier seals the open batch (even an empty one), survives encoding, and reaches the task after the batch records', () => {
    const sent: Batch[] = [];
    const ch = new BatchChannel(encodeBatch, (bytes) => void sent.push(decodeBatch(bytes)), 1);
    ch.writeRecord({ v: 1 }, 1, undefined);
    ch.writeWatermark(5);
    ch.writeBarrier(7); // sent at once (one credit)
    ch.writeBarrier(8); // no credit left: waits, in order
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ values: [{ v: 1 }], marks: [1, 5], barrier: 7, end: false });
    ch.addCredits(1);
    expect(sent[1]).toMatchObject({ values: [], barrier: 8 });

    const { task, seen, out } = twoInputTask('exactly-once');
    task.processBatch(0, sent[0]!);
    expect(seen).toEqual(['r1']);
    expect(task.isBlocked(0)).toBe(true);
    task.processBatch(1, { values: [{ v: 2 }], timestamps: [2], keys: null, marks: [], end: false, barrier: 7 });
    expect(out).toEqual(['snapshot7', 'barrier7']);
  });
});

/** A sink that seals a "transaction" at each barrier and flushes it when the test says so. */
class SealingSink extends Operator {
  pendingRecords: number[] = [];
  sealed: Array<{ id: number; records: number[]; flush: () => void; fail: (e: Error) => void }> = [];
  processElement(value: Row): void {
    this.pendingRecords.push(value.v as number);
  }
  override prepareCommit(id: number): Promise<void> {
    const records = this.pendingRecords;
    this.pendingRecords = [];
    return new Promise<void>((flush, fail) => this.sealed.push({ id, records, flush, fail }));
  }
}

describe('prepareCommit (two-phase-commit pre-commit)', () => {
  function sinkTask() {
    const sink = new SealingSink();
    const task = new Task('s', 0, [{ nodeId: 'sink', operator: sink }], 1);
    task.head = { collect: (v: Row) => sink.processElement(v), emitWatermark: () => undefined } as unknown as OperatorInput;
    const snapshots: TaskSnapshot[] = [];
    task.onSnapshot = (s) => void snapshots.push(s);
    return { sink, task, snapshots };
  }

  it('hands the snapshot over with a pending promise that settles when the sealed writes are flushed; input after the barrier goes on', async () => {
    const { sink, task, snapshots } = sinkTask();
    rec(task, 0, 1);
    rec(task, 0, 2);
    task.receiveBarrier(0, 1);
    rec(task, 0, 3);
    expect(sink.sealed.map((t) => t.records)).toEqual([[1, 2]]);
    expect(sink.pendingRecords).toEqual([3]);
    expect(snapshots).toHaveLength(1);
    let settled = false;
    void snapshots[0]!.pending!.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    sink.sealed[0]!.flush();
    await snapshots[0]!.pending;
    expect(settled).toBe(true);
  });

  it('a failed flush rejects the pending promise, attributed to the operator', async () => {
    const { sink, task, snapshots } = sinkTask();
    task.receiveBarrier(0, 1);
    sink.sealed[0]!.fail(new Error('broker unreachable'));
    await expect(snapshots[0]!.pending).rejects.toThrow(/operator "sink" failed: broker unreachable/);
  });

  it('operators without pre-commit work leave pending undefined (acknowledged at once)', () => {
    const { task, snapshots } = twoInputTask('exactly-once', 1);
    task.receiveBarrier(0, 1);
    expect(snapshots[0]!.pending).toBeUndefined();
  });
});
