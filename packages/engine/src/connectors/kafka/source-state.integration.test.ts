// KafkaSource's positions as operator state: snapshotState() holds the next offset per partition,
// restoreState() (before open) makes a new instance resume exactly there (the operator driven
// directly); with checkpoints, a completed checkpoint's positions are committed to groupId.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import type { Collector, Row } from '../../collector.js';
import type { OperatorContext } from '../../operator.js';
import { END_OF_INPUT } from '../../operator.js';
import { KafkaSource, type KafkaSourceSnapshot } from '../../operators/source-kafka.js';
import { newCounters } from '../../runtime/metrics.js';
import { KafkaKit, until, waitFor } from '../../../test/kafka-kit.js';
import { tempDir } from '../../../test/helpers.js';
import { Engine } from '../../engine.js';
import type { KafkaSourceParams } from '@riffle/shared';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);
beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

function source(topic: string, subtaskIndex = 0, parallelism = 1) {
  const params: KafkaSourceParams = { brokers, topic, partitionDiscovery: '5m', format: 'json', startFrom: 'earliest', bounded: true, onError: 'dlq', watermark: { maxOutOfOrderness: '0s' } };
  const ctx = {
    nodeId: 'in', kind: 'source.kafka', subtaskIndex, parallelism, maxParallelism: 128, inputSchema: { open: true, fields: [] },
    keyed: false, time: 'event', baseDir: '.', logger: { info() {}, warn() {}, error() {} }, counters: newCounters(),
    deadLetter() {},
  } as OperatorContext;
  const rows: Row[] = [];
  const out: Collector = { collect: (v) => void rows.push(v), emitWatermark() {} };
  const op = new KafkaSource(params, ctx);
  op.setup(ctx, out as never);
  return { op, rows };
}

async function drain(op: KafkaSource, max = 1_000_000): Promise<void> {
  let n = 0;
  while (n < max) {
    const got = await op.pollNext(Math.min(7, max - n));
    if (got === END_OF_INPUT) return;
    n += got;
  }
}

describe('KafkaSource state', () => {
  it('snapshots the next offset per partition and resumes there after restoreState', async () => {
    const topic = await kit.createTopic(2);
    await kit.produce(topic, Array.from({ length: 40 }, (_, i) => ({ partition: i % 2, value: JSON.stringify({ i }) })));

    const first = source(topic);
    await first.op.open();
    await drain(first.op, 14); // stops part-way (the poll emits at most 7 at a time)
    const snap = await first.op.snapshotState(1);
    await first.op.close();
    const readFirst = first.rows.map((r) => r.i as number);
    expect(readFirst).toHaveLength(14);
    expect(Object.values(snap.offsets).reduce((a, b) => a + b, 0)).toBe(14);

    const second = source(topic);
    second.op.restoreState(JSON.parse(JSON.stringify(snap)) as KafkaSourceSnapshot);
    await second.op.open();
    await drain(second.op);
    await second.op.close();
    const all = [...readFirst, ...second.rows.map((r) => r.i as number)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i)); // nothing lost, nothing twice
    expect((await second.op.snapshotState(2)).offsets).toEqual({ 0: 20, 1: 20 });
  });
});

describe('KafkaSource restored at another parallelism', () => {
  it.each([[2, 3], [3, 1]])('positions taken at p=%i resume at p=%i: nothing lost, nothing twice', async (from, to) => {
    const topic = await kit.createTopic(5);
    await kit.produce(topic, Array.from({ length: 100 }, (_, i) => ({ partition: i % 5, value: JSON.stringify({ i }) })));
    const before = Array.from({ length: from }, (_, s) => source(topic, s, from));
    const snaps: KafkaSourceSnapshot[] = [];
    for (const [s, b] of before.entries()) {
      await b.op.open();
      await drain(b.op, 7 + 7 * s); // each subtask stops at another point
      snaps.push(JSON.parse(JSON.stringify(await b.op.snapshotState(1))) as KafkaSourceSnapshot);
      await b.op.close();
    }
    const after = Array.from({ length: to }, (_, s) => source(topic, s, to));
    for (const a of after) {
      a.op.restoreRescaled(snaps);
      await a.op.open();
      await drain(a.op);
      await a.op.close();
    }
    const read = [...before, ...after].flatMap((x) => x.rows.map((r) => r.i as number)).sort((a, b) => a - b);
    expect(read).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Every partition is read by exactly one new subtask, to its end.
    const ends = (await Promise.all(after.map((a) => a.op.snapshotState(2)))).map((s) => s.offsets);
    expect(Object.assign({}, ...ends)).toEqual({ 0: 20, 1: 20, 2: 20, 3: 20, 4: 20 });
    expect(ends.flatMap((o) => Object.keys(o)).sort()).toEqual(['0', '1', '2', '3', '4']);
  });
});

describe('offsets committed to the group when a checkpoint completes', () => {
  it('the group holds the positions of the completed checkpoint', async () => {
    const input = await kit.createTopic(2);
    const groupId = `g-${input}`;
    await kit.produce(input, Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ id: i }) })));
    const spec = {
      specVersion: 1,
      name: 'group-commit',
      // Periodic checkpoints far apart: only the one triggered below completes.
      config: { checkpoints: { intervalMs: 600_000 } },
      nodes: [
        { id: 'in', kind: 'source.kafka', params: { brokers, topic: input, groupId } },
        { id: 'out', kind: 'sink.collect', params: { limit: 1000 } },
      ],
      edges: [{ from: 'in', to: 'out' }],
    };
    const job = await Engine.start(spec, { execution: 'in-process', checkpointDir: await tempDir() });
    await until('100 records read', () => job.preview('out').length === 100, 30_000, job);
    await job.triggerCheckpoint!();
    // A new group's coordinator may still be loading (NOT_COORDINATOR): poll again.
    const committed = () =>
      kit.admin.fetchOffsets({ groupId, topics: [input] }).then((r) => r[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0), () => -1);
    await waitFor('the checkpoint positions in the group', async () => (await committed()) === 100, 30_000);
    // Records read after the checkpoint are not committed: the group shows what a restore resumes
    // from (without checkpoints the source commits its positions every 5 s instead).
    await kit.produce(input, Array.from({ length: 50 }, (_, i) => ({ key: `m${i}`, value: JSON.stringify({ id: 100 + i }) })));
    await until('150 records read', () => job.preview('out').length === 150, 30_000, job);
    await new Promise((r) => setTimeout(r, 6000));
    expect(await committed()).toBe(100);
    await job.stop();
  });
});
