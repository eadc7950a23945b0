// source.kafka with `topicPattern` and partition discovery against the real test broker: every
// topic whose whole name matches is read, a topic or partition created while the job runs is found
// and read from its earliest offset, and the positions (per topic) survive a restore at another
// parallelism with nothing lost and nothing read twice.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KafkaSourceParams } from '@riffle/shared';
import '../../../test/services/provided.js';
import type { Collector, Row } from '../../collector.js';
import { Engine } from '../../engine.js';
import { END_OF_INPUT, type OperatorContext } from '../../operator.js';
import { KafkaSource, type KafkaSourceSnapshot } from '../../operators/source-kafka.js';
import { newCounters } from '../../runtime/metrics.js';
import { KafkaKit, nodeMetrics, until } from '../../../test/kafka-kit.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);
beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

/** `n` JSON records `{topic, i}` for `topic`, round-robin over its first `partitions` partitions. */
const recordsOf = (topic: string, n: number, partitions = 1, from = 0) =>
  Array.from({ length: n }, (_, k) => ({ partition: k % partitions, value: JSON.stringify({ topic, i: from + k }) }));
const names = (rows: unknown[]) => rows.map((r) => `${(r as { topic: string }).topic}#${(r as { i: number }).i}`).sort();
const expected = (topic: string, n: number, from = 0) => Array.from({ length: n }, (_, k) => `${topic}#${from + k}`);

describe('source.kafka with a topic pattern', () => {
  it('reads every matching topic (whole names only), then topics and partitions created while it runs, from their start', async () => {
    const base = `pat-${randomUUID().slice(0, 8)}`;
    const a = await kit.createTopic(2, {}, `${base}-a`);
    const b = await kit.createTopic(1, {}, `${base}-b`);
    const other = await kit.createTopic(1, {}, `x-${base}-a`); // contains the pattern's text, but the whole name does not match
    await kit.produce(a, recordsOf(a, 30, 2));
    await kit.produce(b, recordsOf(b, 20));
    await kit.produce(other, recordsOf(other, 10));
    const job = await Engine.start({
      specVersion: 1,
      name: 'pattern',
      config: { parallelism: 2 },
      nodes: [
        { id: 'in', kind: 'source.kafka', params: { brokers, topicPattern: `${base}-[a-z]`, partitionDiscovery: '500ms', watermark: { maxOutOfOrderness: '0s' } } },
        { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } },
      ],
      edges: [{ from: 'in', to: 'out' }],
    });
    try {
      await until('the matching topics read', () => job.preview('out').length >= 50, 30_000, job);
      expect(names(job.preview('out'))).toEqual([...expected(a, 30), ...expected(b, 20)].sort());

      // A new matching topic, with records written before the source finds it (read from its start).
      const c = await kit.createTopic(3, {}, `${base}-c`);
      await kit.produce(c, recordsOf(c, 15, 3));
      // A new partition of a topic already read.
      await kit.addPartitions(b, 2);
      await kit.produce(b, recordsOf(b, 5, 1, 20).map((m) => ({ ...m, partition: 1 })));
      await until('the new topic and partition read', () => job.preview('out').length >= 70, 30_000, job);
      expect(names(job.preview('out'))).toEqual([...expected(a, 30), ...expected(b, 25), ...expected(c, 15)].sort());

      // Lag per topic and partition: every one of the 2 + 2 + 3 partitions, caught up.
      await until('lag 0', () => nodeMetrics(job, 'in').consumerLag === 0, 20_000, job);
      const lag = nodeMetrics(job, 'in').partitionLag!;
      expect(lag.map((l) => `${l.topic}/${l.partition}`)).toEqual([`${a}/0`, `${a}/1`, `${b}/0`, `${b}/1`, `${c}/0`, `${c}/1`, `${c}/2`]);
    } finally {
      await job.stop();
    }
  });

  it('positions per topic resume at another parallelism: nothing lost, nothing twice', async () => {
    const base = `pr-${randomUUID().slice(0, 8)}`;
    const topics = [await kit.createTopic(3, {}, `${base}-a`), await kit.createTopic(2, {}, `${base}-b`)];
    for (const t of topics) await kit.produce(t, recordsOf(t, 40, t.endsWith('a') ? 3 : 2));
    const source = (subtaskIndex: number, parallelism: number) => {
      const params: KafkaSourceParams = {
        brokers, topicPattern: `${base}-.*`, partitionDiscovery: '5m', format: 'json', startFrom: 'earliest', bounded: true, onError: 'dlq', watermark: { maxOutOfOrderness: '0s' },
      };
      const ctx = {
        nodeId: 'in', kind: 'source.kafka', subtaskIndex, parallelism, maxParallelism: 128, inputSchema: { open: true, fields: [] },
        keyed: false, time: 'event', baseDir: '.', logger: { info() {}, warn() {}, error() {} }, counters: newCounters(), deadLetter() {},
      } as OperatorContext;
      const rows: Row[] = [];
      const op = new KafkaSource(params, ctx);
      op.setup(ctx, { collect: (v: Row) => void rows.push(v), emitWatermark() {} } as Collector as never);
      return { op, rows };
    };
    const drain = async (op: KafkaSource, max: number) => {
      for (let n = 0; n < max; ) {
        const got = await op.pollNext(Math.min(5, max - n));
        if (got === END_OF_INPUT) return;
        n += got;
      }
    };
    const before = [source(0, 2), source(1, 2)];
    const snaps: KafkaSourceSnapshot[] = [];
    for (const [s, x] of before.entries()) {
      await x.op.open();
      await drain(x.op, 10 + 15 * s);
      snaps.push(JSON.parse(JSON.stringify(await x.op.snapshotState(1))) as KafkaSourceSnapshot);
      await x.op.close();
    }
    expect(Object.keys(snaps[0]!.topics!).concat(Object.keys(snaps[1]!.topics!)).sort()).toEqual([...topics, ...topics].sort());
    const after = source(0, 1);
    after.op.restoreRescaled(snaps);
    await after.op.open();
    await drain(after.op, 1_000_000);
    await after.op.close();
    expect(names([...before.flatMap((x) => x.rows), ...after.rows])).toEqual(topics.flatMap((t) => expected(t, 40)).sort());
  });
});
