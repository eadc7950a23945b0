import { describe, expect, it } from 'vitest';
import { validateSpec, type JobMetrics, type JobSpec } from '@riffle/shared';
import { addKafkaLag, partitionPositions } from './flink-lag.js';
import type { VertexSample } from './flink-metrics.js';

const spec = validateSpec({
  specVersion: 1,
  name: 'lag',
  nodes: [
    { id: 'in', kind: 'source.kafka', params: { brokers: ['127.0.0.1:9092'], topic: 'a.b', fields: [{ name: 'id', type: 'int' }] } },
    { id: 'out', kind: 'sink.file', params: { path: 'out.ndjson' } },
  ],
  edges: [{ from: 'in', to: 'out' }],
}).spec as JobSpec;
const plan = { nodes: { in: { name: 'in', role: 'source' as const }, out: { name: 'out', role: 'sink' as const } } };

/** A source vertex whose operator `Source__in[1]` read partition 0 up to offset 41 and nothing yet of partition 1. */
const vertex = (pendingRecords: number): VertexSample => ({
  id: 'v1',
  parallelism: 1,
  readRecords: 0,
  writeRecords: 0,
  operatorMetrics: {
    'Source__in[1].KafkaSourceReader.topic.a.b.partition.0.currentOffset': 41,
    'Source__in[1].KafkaSourceReader.topic.a.b.partition.1.currentOffset': -1,
    'Source__in[1].pendingRecords': pendingRecords,
    'Source__inner[2].KafkaSourceReader.topic.x.partition.0.currentOffset': 5,
  },
});
const sample = (): JobMetrics => ({
  jobId: 'j',
  ts: 0,
  status: 'running',
  deadLetters: 0,
  operators: [{ nodeId: 'in', kind: 'source.kafka', parallelism: 1, recordsIn: 0, recordsOut: 42, recordsInPerSec: 0, recordsOutPerSec: 0, watermark: null, lateRecordsDropped: 0, deadLettered: 0, consumerLag: 7 }],
});

describe('Kafka lag of a Flink source', () => {
  it("reads the operator's positions per partition (topics with dots; partitions not read yet and other operators left out)", () => {
    expect(partitionPositions(vertex(1), 'in')).toEqual([{ topic: 'a.b', partition: 0, next: 42 }]);
  });

  it('is the log end minus the position, per partition and summed; 0 when Flink says it is caught up', async () => {
    const ends = async (brokers: string[], topic: string) => {
      expect([brokers, topic]).toEqual([['127.0.0.1:9092'], 'a.b']);
      return new Map([[0, 50], [1, 9]]);
    };
    const input = { spec, plan, nodeVertex: { in: 'v1', out: 'v1' }, vertices: new Map([['v1', vertex(8)]]) };
    const behind = (await addKafkaLag(sample(), input, ends)).operators[0]!;
    expect(behind.partitionLag).toEqual([{ topic: 'a.b', partition: 0, lag: 8 }]);
    expect(behind.consumerLag).toBe(8);
    // The log may end in a transaction marker (an offset with no record): Flink's own count decides.
    const caughtUp = (await addKafkaLag(sample(), { ...input, vertices: new Map([['v1', vertex(0)]]) }, ends)).operators[0]!;
    expect(caughtUp.partitionLag).toEqual([{ topic: 'a.b', partition: 0, lag: 0 }]);
    expect(caughtUp.consumerLag).toBe(0);
  });

  it("keeps Flink's total when the broker cannot be read", async () => {
    const warned: string[] = [];
    const input = { spec, plan, nodeVertex: { in: 'v1' }, vertices: new Map([['v1', vertex(8)]]) };
    const out = await addKafkaLag(sample(), input, async () => Promise.reject(new Error('down')), (msg) => warned.push(msg));
    expect(out.operators[0]).toMatchObject({ consumerLag: 7 });
    expect(out.operators[0]!.partitionLag).toBeUndefined();
    expect(warned).toHaveLength(1);
  });
});
