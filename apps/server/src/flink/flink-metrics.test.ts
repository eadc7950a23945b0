import { describe, expect, it } from 'vitest';
import { validateSpec, type JobMetrics, type JobSpec } from '@riffle/shared';
import { REPORTED_MAX_WATERMARK } from '@riffle/engine';
import { buildJobMetrics, operatorMetric, RATE_CARRY_MS, smoothRates, toWatermark, type VertexSample } from './flink-metrics.js';
import { mapNodesToVertices, mentions } from './vertex-map.js';

const v = validateSpec({
  specVersion: 1,
  name: 'windowed',
  nodes: [
    { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 100 } },
    { id: 'evens', kind: 'filter', params: { expr: 'user_id % 2 == 0' } },
    { id: 'by', kind: 'keyBy', params: { key: 'product_id' } },
    { id: 'win', kind: 'window.tumbling', params: { size: '1s', aggregate: [{ fn: 'count', as: 'n' }] } },
    { id: 'out', kind: 'sink.file', params: { path: 'out.ndjson' } },
  ],
  edges: [
    { from: 'gen', to: 'evens' },
    { from: 'evens', to: 'by' },
    { from: 'by', to: 'win' },
    { from: 'win', to: 'out' },
  ],
});
const spec = v.spec as JobSpec;
const plan = {
  nodes: {
    gen: { name: 'gen', role: 'source' as const },
    evens: { name: 'evens', role: 'view' as const },
    by: { name: 'by', role: 'view' as const },
    win: { name: 'win', role: 'view' as const },
    out: { name: 'out', role: 'sink' as const },
  },
};
// Flink SQL inlines the views: only the tables' names reach the job graph.
const vertices = [
  { id: 'v1', text: 'Source: gen[1] -> Calc[2]\n[1]:TableSourceScan(table=[[default_catalog, default_database, gen]], fields=[user_id])\n+- [2]:Calc(select=[user_id], where=[...])' },
  { id: 'v2', text: 'WindowAggregate[4] -> Sink: out[5]\n[4]:WindowAggregate(groupBy=[product_id])\n+- [5]:Sink(table=[default_catalog.default_database.out], fields=[n])' },
];

describe('mapNodesToVertices', () => {
  it('finds tables by name; stateless nodes run where their input runs, windows behind the exchange', () => {
    expect(spec).toBeDefined();
    expect(mapNodesToVertices(spec, plan, vertices)).toEqual({ gen: 'v1', evens: 'v1', by: 'v1', win: 'v2', out: 'v2' });
  });

  it('matches whole names only', () => {
    expect(mentions('Source: clicks_v2[1]', 'clicks')).toBe(false);
    expect(mentions('Source: clicks[1]', 'clicks')).toBe(true);
    expect(mentions('default_database.out]', 'out')).toBe(true);
    expect(mentions('Sink: output[3]', 'out')).toBe(false);
  });
});

describe('buildJobMetrics', () => {
  const samples = (genOut: number, sinkIn: number, crossed: number): Map<string, VertexSample> =>
    new Map<string, VertexSample>([
      ['v1', { id: 'v1', parallelism: 2, readRecords: 0, writeRecords: crossed, operatorMetrics: { 'Source__gen[1].numRecordsOut': genOut, 'Source__gen[1].currentOutputWatermark': 5000, 'Calc[2].numRecordsOut': crossed }, backPressuredRatio: 0.5, busyRatio: 0.25, idleRatio: 0.25 }],
      ['v2', { id: 'v2', parallelism: 1, readRecords: crossed, writeRecords: 0, operatorMetrics: { 'Sink__out[5].numRecordsIn': sinkIn }, inputWatermark: 4000 }],
    ]);
  const nodeVertex = { gen: 'v1', evens: 'v1', by: 'v1', win: 'v2', out: 'v2' };

  it('takes exact counts from sources, sinks and vertex boundaries, infers the rest along the graph', () => {
    const m = buildJobMetrics({ jobId: 'j', ts: 10_000, status: 'running', spec, plan, nodeVertex, vertices: samples(100, 3, 40) });
    const by = Object.fromEntries(m.operators.map((o) => [o.nodeId, o]));
    expect(m).toMatchObject({ jobId: 'j', ts: 10_000, status: 'running', deadLetters: 0 });
    expect([by.gen!.recordsIn, by.gen!.recordsOut]).toEqual([0, 100]);
    // The filter's output is what crossed to the window's vertex (the keyBy passes it on).
    expect([by.evens!.recordsIn, by.evens!.recordsOut]).toEqual([100, 40]);
    expect([by.by!.recordsIn, by.by!.recordsOut]).toEqual([40, 40]);
    expect([by.win!.recordsIn, by.win!.recordsOut]).toEqual([40, 3]);
    expect(by.out!.recordsIn).toBe(3);
    expect(by.gen).toMatchObject({ kind: 'source.datagen', parallelism: 2, watermark: 5000, backPressuredRatio: 0.5, busyRatio: 0.25, idleRatio: 0.25 });
    // Chained after the source: the source's watermark; behind the exchange: the vertex's input watermark.
    expect(by.evens!.watermark).toBe(5000);
    expect(by.win!.watermark).toBe(4000);
    expect(by.out!.parallelism).toBe(1);
  });

  it('takes the watermark of a SQL source from its watermark assigner when the scan has none', () => {
    const vs = samples(100, 3, 40);
    vs.get('v1')!.operatorMetrics = { 'Source__gen[1].numRecordsOut': 100, 'Source__gen[1].currentOutputWatermark': -9223372036854775808, 'WatermarkAssigner[3].currentOutputWatermark': 7000 };
    const m = buildJobMetrics({ jobId: 'j', ts: 10_000, status: 'running', spec, plan, nodeVertex, vertices: vs });
    expect(m.operators.find((o) => o.nodeId === 'gen')!.watermark).toBe(7000);
    expect(m.operators.find((o) => o.nodeId === 'evens')!.watermark).toBe(7000);
  });

  it('turns counts into records per second against the previous sample', () => {
    const prev = buildJobMetrics({ jobId: 'j', ts: 10_000, status: 'running', spec, plan, nodeVertex, vertices: samples(100, 3, 40) });
    const m = buildJobMetrics({ jobId: 'j', ts: 12_000, status: 'running', spec, plan, nodeVertex, vertices: samples(300, 7, 140), prev });
    const by = Object.fromEntries(m.operators.map((o) => [o.nodeId, o]));
    expect(by.gen!.recordsOutPerSec).toBe(100);
    expect(by.win!.recordsInPerSec).toBe(50);
    expect(by.out!.recordsInPerSec).toBe(2);
    expect(prev.operators.every((o) => o.recordsInPerSec === 0 && o.recordsOutPerSec === 0)).toBe(true);
  });

  it('reads Flink watermarks: Long.MIN_VALUE is none, Long.MAX_VALUE the end of input', () => {
    expect(toWatermark(-9223372036854775808)).toBeNull();
    expect(toWatermark(undefined)).toBeNull();
    expect(toWatermark(9223372036854775807)).toBe(REPORTED_MAX_WATERMARK);
    expect(toWatermark(1_700_000_000_000)).toBe(1_700_000_000_000);
  });
});

describe('operatorMetric', () => {
  const vertex = (operatorMetrics: Record<string, number>): VertexSample => ({ id: 'v', parallelism: 1, readRecords: 0, writeRecords: 0, operatorMetrics });

  it("takes the operator named after the table, else the vertex's only one of its role", () => {
    const two = vertex({ 'Sink__a[3].numRecordsIn': 5, 'Sink__b[4].numRecordsIn': 7, 'Source__a[1].numRecordsOut': 9 });
    expect(operatorMetric(two, 'b', 'sink', 'numRecordsIn')).toBe(7);
    expect(operatorMetric(two, 'c', 'sink', 'numRecordsIn')).toBeUndefined();
    expect(operatorMetric(two, 'a', 'source', 'numRecordsOut')).toBe(9);
    // The filesystem sink's writer does not carry the table's name.
    expect(operatorMetric(vertex({ 'Calc[4].numRecordsIn': 50, 'StreamingFileWriter.numRecordsIn': 25 }), 'out', 'sink', 'numRecordsIn')).toBe(25);
  });
});

describe('smoothRates', () => {
  const sample = (ts: number, recordsOut: number, recordsOutPerSec: number): JobMetrics => ({
    jobId: 'j', ts, status: 'running', deadLetters: 0,
    operators: [{ nodeId: 'gen', kind: 'source.datagen', parallelism: 1, recordsIn: 0, recordsOut, recordsInPerSec: 0, recordsOutPerSec, watermark: null, lateRecordsDropped: 0, deadLettered: 0 }],
  });
  it('repeats the last rates while Flink serves unchanged totals, rates over the time since the last change after', () => {
    const first = smoothRates(sample(0, 100, 100), undefined);
    // Flink's store not refreshed yet: the same totals; the rate built against the base reads 0.
    const stale = smoothRates(sample(1000, 100, 0), first.base);
    expect(stale.shown.operators[0]!.recordsOutPerSec).toBe(100);
    expect(stale.base).toBe(first.base);
    // Refreshed: a sample built against the base (2 s ago) carries the average since then.
    const fresh = smoothRates(sample(2000, 300, 100), stale.base);
    expect(fresh.shown.operators[0]!.recordsOutPerSec).toBe(100);
    expect(fresh.base.ts).toBe(2000);
    // Totals that stay put longer than the carry: the job really is idle.
    expect(smoothRates(sample(2000 + RATE_CARRY_MS + 1, 300, 0), fresh.base).shown.operators[0]!.recordsOutPerSec).toBe(0);
  });
});
