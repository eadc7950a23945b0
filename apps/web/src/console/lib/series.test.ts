import type { CheckpointInfo, JobMetrics, OperatorMetrics } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { chartData, checkpointData, lateAndDead, nodeLoad, nodeThroughput, ofNode, partitionLag, recordsInPerSec, recordsOutPerSec, thin, watermarkLagSec } from './series';

const op = (nodeId: string, kind: string, o: Partial<OperatorMetrics> = {}): OperatorMetrics => ({
  nodeId,
  kind,
  parallelism: 1,
  recordsIn: 0,
  recordsOut: 0,
  recordsInPerSec: 0,
  recordsOutPerSec: 0,
  watermark: null,
  lateRecordsDropped: 0,
  deadLettered: 0,
  ...o,
});
const sample = (ts: number, operators: OperatorMetrics[]): JobMetrics => ({ jobId: 'j', ts, status: 'running', operators, deadLetters: 0 });

const history = [
  sample(1000, [op('src', 'source.datagen', { recordsOutPerSec: 100, watermark: 500 }), op('f', 'filter', { recordsInPerSec: 100, recordsOutPerSec: 40 }), op('out', 'sink.collect', { recordsInPerSec: 40 })]),
  sample(2000, [op('src', 'source.datagen', { recordsOutPerSec: 120, watermark: 1500 }), op('f', 'filter', { recordsInPerSec: 120, recordsOutPerSec: 50, deadLettered: 3 }), op('out', 'sink.collect', { recordsInPerSec: 50 })]),
];

describe('chart data shaping', () => {
  it('has one row per sample and one series per operator, leaving sinks out of "records out" and sources out of "records in"', () => {
    const out = chartData(history, recordsOutPerSec);
    expect(out.rows).toEqual([
      { ts: 1000, values: { src: 100, f: 40 } },
      { ts: 2000, values: { src: 120, f: 50 } },
    ]);
    expect(out.series.map((s) => s.key)).toEqual(['src', 'f']);
    expect(chartData(history, recordsInPerSec).series.map((s) => s.key)).toEqual(['f', 'out']);
  });

  it('grows by one row per new sample (what the live charts plot)', () => {
    const next = [...history, sample(3000, [op('src', 'source.datagen', { recordsOutPerSec: 90 })])];
    expect(chartData(next, recordsOutPerSec).rows).toHaveLength(3);
    expect(chartData(next, recordsOutPerSec).rows[2]).toEqual({ ts: 3000, values: { src: 90 } });
  });

  it('leaves missing and non-finite values out so the line has a gap', () => {
    const wm = chartData(history, watermarkLagSec);
    expect(wm.series.map((s) => s.key)).toEqual(['src']);
    expect(wm.rows.map((r) => r.values.src)).toEqual([0.5, 0.5]);
  });

  it('plots consumer lag per partition, with readable labels', () => {
    const h = [sample(1000, [op('k', 'source.kafka', { partitionLag: [{ partition: 0, lag: 5 }, { partition: 1, lag: 7 }] })])];
    const d = chartData(h, partitionLag);
    expect(d.series).toEqual([
      { key: 'k#0', label: 'k p0' },
      { key: 'k#1', label: 'k p1' },
    ]);
    expect(d.rows[0]!.values).toEqual({ 'k#0': 5, 'k#1': 7 });
  });

  it('plots the total consumer lag of a source that reports no partitions (a job on Flink)', () => {
    const d = chartData([sample(1000, [op('k', 'source.kafka', { consumerLag: 12 }), op('g', 'source.datagen')])], partitionLag);
    expect(d.series).toEqual([{ key: 'k#all', label: 'k all partitions' }]);
    expect(d.rows[0]!.values).toEqual({ 'k#all': 12 });
  });

  it('names the topic of each partition when a source reads several (a topic pattern)', () => {
    const lag = [{ topic: 'orders-eu', partition: 0, lag: 1 }, { topic: 'orders-us', partition: 0, lag: 2 }];
    const d = chartData([sample(1000, [op('k', 'source.kafka', { partitionLag: lag })])], partitionLag);
    expect(d.series).toEqual([
      { key: 'k#orders-eu/0', label: 'k orders-eu/0' },
      { key: 'k#orders-us/0', label: 'k orders-us/0' },
    ]);
    expect(d.rows[0]!.values).toEqual({ 'k#orders-eu/0': 1, 'k#orders-us/0': 2 });
  });

  it('lists only the counters that counted something with dropAllZero', () => {
    const d = chartData(history, lateAndDead, { dropAllZero: true });
    expect(d.series).toEqual([{ key: 'f dead letters', label: 'f dead letters' }]);
    const skipping = [sample(1000, [op('k', 'keyBy', { skippedRecords: 4 })])];
    expect(chartData(skipping, lateAndDead, { dropAllZero: true }).series).toEqual([{ key: 'k skipped', label: 'k skipped' }]);
  });

  it('narrows to one node for its detail charts', () => {
    const h = [sample(1000, [op('f', 'filter', { recordsInPerSec: 10, recordsOutPerSec: 4, busyRatio: 0.25, backPressuredRatio: 0, idleRatio: 0.75 }), op('g', 'filter', { recordsInPerSec: 99 })])];
    expect(chartData(h, ofNode('f', nodeThroughput)).rows[0]!.values).toEqual({ in: 10, out: 4 });
    expect(chartData(h, ofNode('f', nodeLoad)).rows[0]!.values).toEqual({ busy: 25, 'back-pressured': 0, idle: 75 });
  });
});

describe('checkpoint chart data', () => {
  const chk = (id: number, o: Partial<CheckpointInfo>): CheckpointInfo => ({ jobId: 'j', id, kind: 'checkpoint', status: 'completed', startedAt: id * 1000, bytes: id * 100, alignmentMs: 0, retained: true, ...o });

  it('plots finished checkpoints oldest first; failed ones have a duration but no size; in-progress ones neither', () => {
    const { duration, size } = checkpointData([chk(3, { status: 'in_progress' }), chk(2, { status: 'failed', durationMs: 50 }), chk(1, { durationMs: 20 })]);
    expect(duration.rows).toEqual([
      { ts: 1000, values: { 'duration checkpoint': 20 } },
      { ts: 2000, values: { 'duration checkpoint': 50 } },
    ]);
    expect(size.rows).toEqual([{ ts: 1000, values: { 'size checkpoint': 100 } }]);
    expect(duration.series).toEqual([{ key: 'duration checkpoint', label: 'checkpoints' }]);
  });

  it('is empty without checkpoints', () => {
    expect(checkpointData([]).duration).toEqual({ rows: [], series: [] });
  });
});

describe('thin', () => {
  it('keeps short series whole', () => {
    const rows = [1, 2, 3];
    expect(thin(rows, 5)).toBe(rows);
  });

  it('keeps every k-th row counted back from the newest, at most about max rows', () => {
    const rows = Array.from({ length: 899 }, (_, i) => i);
    const out = thin(rows, 300);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out[out.length - 1]).toBe(898);
    expect(out[1]! - out[0]!).toBe(3);
    // One more sample: the newest is always drawn.
    expect(thin([...rows, 899], 300).slice(-2)).toEqual([896, 899]);
  });
});
