import { describe, expect, it } from 'vitest';
import { harness } from '../../test/harness.js';
import { MAX_WATERMARK, type Row } from '../collector.js';
import { IntervalJoinOperator } from './join-interval.js';
import { RegularJoinOperator } from './join-regular.js';
import { WindowJoinOperator } from './join-window.js';
import type { TwoInputOperator } from './two-input.js';

function send(op: TwoInputOperator, port: number, value: Row, ts: number, key: unknown) {
  op.currentInput = port;
  op.processElement(value, ts, key);
}
const pairs = (rows: Row[]) => rows.map((r) => `${String(r.key)}:${(r.left as Row).id}-${(r.right as Row).id}`);

describe('interval join', () => {
  it('joins right records within [left − before, left + after], whichever side comes first', () => {
    const h = harness((ctx) => new IntervalJoinOperator({ before: '2s', after: '1s' }, ctx), { keyed: true });
    send(h.op, 0, { id: 'L1' }, 10_000, 'a');
    send(h.op, 1, { id: 'R1' }, 8_000, 'a'); // 10 − 2: joins
    send(h.op, 1, { id: 'R2' }, 11_000, 'a'); // 10 + 1: joins
    send(h.op, 1, { id: 'R3' }, 11_001, 'a'); // too late for L1
    send(h.op, 1, { id: 'R4' }, 10_000, 'b'); // other key
    send(h.op, 0, { id: 'L2' }, 12_000, 'a'); // sees R2 (11 ≥ 10) and R3
    expect(pairs(h.values())).toEqual(['a:L1-R1', 'a:L1-R2', 'a:L2-R2', 'a:L2-R3']);
    expect(h.records.map((r) => r.timestamp)).toEqual([10_000, 11_000, 12_000, 12_000]);
  });

  it('drops buffered rows once no match is possible, and dead-letters late records', () => {
    const h = harness((ctx) => new IntervalJoinOperator({ before: '1s', after: '1s' }, ctx), { keyed: true });
    send(h.op, 0, { id: 'L1' }, 10_000, 'a');
    h.op.processWatermark(11_000); // L1 no longer needed (10 + 1)
    send(h.op, 1, { id: 'R1' }, 11_000, 'a');
    send(h.op, 1, { id: 'R2' }, 9_000, 'a'); // behind the watermark
    expect(h.values()).toEqual([]);
    expect(h.counters).toMatchObject({ lateRecordsDropped: 1, deadLettered: 1 });
  });
});

describe('window join', () => {
  it('pairs left and right of the same key and window when the window fires (inner join)', () => {
    const h = harness((ctx) => new WindowJoinOperator({ size: '10s' }, ctx), { keyed: true });
    send(h.op, 0, { id: 'L1' }, 1_000, 'a');
    send(h.op, 1, { id: 'R1' }, 9_000, 'a');
    send(h.op, 1, { id: 'R2' }, 2_000, 'a');
    send(h.op, 0, { id: 'L2' }, 12_000, 'a'); // next window: no right → nothing
    send(h.op, 0, { id: 'L3' }, 3_000, 'b'); // no right for b
    h.op.processWatermark(9_999);
    expect(pairs(h.values())).toEqual(['a:L1-R1', 'a:L1-R2']);
    expect(h.values()[0]).toMatchObject({ window_start: 0, window_end: 10_000 });
    send(h.op, 1, { id: 'R9' }, 5_000, 'a'); // window fired: late
    h.op.processWatermark(MAX_WATERMARK);
    expect(h.values()).toHaveLength(2);
    expect(h.counters.lateRecordsDropped).toBe(1);
  });
});

describe('regular join', () => {
  it('emits every matching pair once, when the second of the two arrives, whatever the timestamps', () => {
    const h = harness((ctx) => new RegularJoinOperator({}, ctx), { keyed: true });
    send(h.op, 0, { id: 'L1' }, 50_000, 'a');
    send(h.op, 1, { id: 'R1' }, 1_000, 'a'); // far behind L1 in event time: still joins
    send(h.op, 1, { id: 'R2' }, 2_000, 'b'); // other key
    send(h.op, 0, { id: 'L2' }, 3_000, 'a'); // joins R1, the only right row of a
    send(h.op, 1, { id: 'R3' }, 4_000, 'a'); // joins L1 and L2
    h.op.processWatermark(MAX_WATERMARK); // no window: nothing fires, nothing is dropped
    send(h.op, 0, { id: 'L3' }, 5_000, 'b'); // after the watermark: not late, joins R2
    expect(pairs(h.values())).toEqual(['a:L1-R1', 'a:L2-R1', 'a:L1-R3', 'a:L2-R3', 'b:L3-R2']);
    expect(h.records.map((r) => r.timestamp)).toEqual([1_000, 3_000, 4_000, 4_000, 5_000]);
    expect(h.counters.lateRecordsDropped).toBe(0);
  });

  it('restores both sides from a snapshot: a record after the restore joins rows from before it', async () => {
    const a = harness((ctx) => new RegularJoinOperator({}, ctx), { keyed: true });
    send(a.op, 0, { id: 'L1' }, 1_000, 'k');
    send(a.op, 1, { id: 'R1' }, 2_000, 'j');
    const snapshot = await a.op.snapshotState();
    const b = harness((ctx) => new RegularJoinOperator({}, ctx), { keyed: true });
    b.op.restoreState(structuredClone(snapshot));
    send(b.op, 1, { id: 'R2' }, 3_000, 'k');
    send(b.op, 0, { id: 'L2' }, 4_000, 'j');
    expect(pairs(b.values())).toEqual(['k:L1-R2', 'j:L2-R1']);
  });

  it("with ttl, drops a side's rows of a key that received none for that long (processing time)", () => {
    let now = 0;
    const h = harness((ctx) => new RegularJoinOperator({ ttl: '10s' }, ctx, () => now), { keyed: true });
    send(h.op, 0, { id: 'L1' }, 1_000, 'a');
    now = 9_000;
    send(h.op, 1, { id: 'R1' }, 2_000, 'a'); // L1 still kept
    now = 12_000;
    h.op.onProcessingTime(now); // L1 written at 0: expired; R1 written at 9 s: kept
    send(h.op, 1, { id: 'R2' }, 3_000, 'a'); // no left row any more
    send(h.op, 0, { id: 'L2' }, 4_000, 'a'); // R1 and R2 are kept
    expect(pairs(h.values())).toEqual(['a:L1-R1', 'a:L2-R1', 'a:L2-R2']);
  });
});
