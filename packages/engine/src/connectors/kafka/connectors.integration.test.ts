// source.kafka and sink.kafka against the real test broker (TEST-PLAN T3/T4 without crashes,
// T17 subset, T20 sink part). Every job here is bounded (`bounded: true`) unless the test is about
// an unbounded behaviour, so `job.done` marks the end.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { Engine } from '../../engine.js';
import { KafkaKit, nodeMetrics, until, values } from '../../../test/kafka-kit.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);

beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

const src = (topic: string, params: Record<string, unknown> = {}) => ({
  id: 'in', kind: 'source.kafka', params: { brokers, topic, bounded: true, ...params },
});
const kafkaOut = (topic: string, params: Record<string, unknown> = {}) => ({ id: 'out', kind: 'sink.kafka', params: { brokers, topic, ...params } });
const preview = { id: 'out', kind: 'sink.collect', params: { limit: 10_000 } };

function spec(nodes: Array<{ id: string; kind: string; params: Record<string, unknown> }>, parallelism = 1) {
  return {
    specVersion: 1,
    name: 'kafka-it',
    config: { parallelism },
    nodes,
    edges: nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id })),
  };
}

/** n JSON records {id, n, ts} spread over the partitions by key. */
function records(n: number) {
  return Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ id: i, n: i % 10, ts: 1_700_000_000_000 + i }) }));
}

describe('Kafka → filter → Kafka', () => {
  it('at-least-once: a read_committed consumer sees exactly the filtered input (3 partitions, parallelism 2)', async () => {
    const input = await kit.createTopic(3);
    const output = await kit.createTopic(3);
    await kit.produce(input, records(600));
    const job = await Engine.start(spec([src(input), { id: 'even', kind: 'filter', params: { expr: 'n % 2 == 0' } }, kafkaOut(output, { key: 'string(id)' })], 2));
    expect(await job.done).toEqual({ status: 'finished' });
    const got = await kit.readAll(output, { expect: 300 });
    const expected = Array.from({ length: 600 }, (_, i) => i).filter((i) => i % 2 === 0);
    expect(got.map((m) => JSON.parse(m.value!.toString()).id).sort((a, b) => a - b)).toEqual(expected);
    expect(got.every((m) => m.key!.toString() === String(JSON.parse(m.value!.toString()).id))).toBe(true);
    expect(nodeMetrics(job, 'in').recordsOut).toBe(600);
    expect(nodeMetrics(job, 'out').recordsIn).toBe(300);
  });

  it('exactly-once: output becomes visible to read_committed only when the transaction commits', async () => {
    const input = await kit.createTopic(2);
    const output = await kit.createTopic(1);
    await kit.produce(input, records(50));
    // Unbounded, and a commit interval (10m) far beyond the test: only stop() commits.
    const job = await Engine.start(spec([src(input, { bounded: false }), kafkaOut(output, { delivery: 'exactly-once', commitInterval: '10m' })]));
    // The records are sent inside the open transaction (read_uncommitted sees them) ...
    await until('records sent in the transaction', () => nodeMetrics(job, 'out').recordsIn === 50);
    expect(values(await kit.readAll(output, { readUncommitted: true, expect: 50 }))).toHaveLength(50);
    // ... but read_committed sees nothing before the commit,
    expect(await kit.readAll(output)).toEqual([]);
    await job.stop();
    expect(job.status).toBe('stopped');
    // and everything, once, after it.
    expect(values(await kit.readAll(output, { expect: 50 }))).toEqual(records(50).map((r) => r.value).sort());
  });
});

describe('partitions spread over source subtasks', () => {
  it.each([1, 2, 3, 4])('parallelism %i: every record is read exactly once', async (parallelism) => {
    const input = await kit.createTopic(3);
    await kit.produce(input, records(300));
    const job = await Engine.start(spec([src(input), preview], parallelism));
    expect(await job.done).toEqual({ status: 'finished' });
    const ids = job.preview('out').map((r) => (r as { id: number }).id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(nodeMetrics(job, 'in').parallelism).toBe(parallelism);
  });

  it('uses the Kafka record timestamp as event time when no timestamp param is given, else the field', async () => {
    const input = await kit.createTopic(1);
    await kit.produce(input, [{ value: '{"ts":5}', timestamp: '1600000000000' }, { value: '{"ts":7}', timestamp: '1600000001000' }]);
    const byRecord = await Engine.start(spec([src(input), preview]));
    await byRecord.done;
    // The watermark after the last record (max ts − 0 − 1) shows which time was used.
    const wm = (job: typeof byRecord) => job.metrics().operators.find((o) => o.nodeId === 'in')!.watermark;
    expect(wm(byRecord)).toBe(Number.MAX_SAFE_INTEGER); // bounded: closed at the end
    const unbounded = await Engine.start(spec([src(input, { bounded: false }), preview]));
    await until('watermark from the record timestamps', () => wm(unbounded) === 1600000001000 - 1, 20_000, unbounded);
    await unbounded.stop();
    const byField = await Engine.start(spec([src(input, { bounded: false, timestamp: 'ts' }), preview]));
    await until('watermark from the ts field', () => wm(byField) === 6, 20_000, byField);
    await byField.stop();
  });
});

describe('start position', () => {
  it('startFrom {timestamp} begins at the first record at or after it; "latest" reads only new records', async () => {
    const input = await kit.createTopic(2);
    await kit.produce(input, Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: JSON.stringify({ id: i }), timestamp: String(1_600_000_000_000 + i * 1000) })));
    const fromTs = await Engine.start(spec([src(input, { startFrom: { timestamp: 1_600_000_000_000 + 12_000 } }), preview]));
    await fromTs.done;
    expect(fromTs.preview('out').map((r) => (r as { id: number }).id).sort((a, b) => a - b)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);

    const latest = await Engine.start(spec([src(input, { startFrom: 'latest', bounded: false }), preview]));
    await kit.produce(input, [{ value: '{"id":100}' }, { value: '{"id":101}' }]);
    await until('new records', () => latest.preview('out').length === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(latest.preview('out').map((r) => (r as { id: number }).id).sort()).toEqual([100, 101]);
    await latest.stop();
  });
});

describe('malformed records (T17 subset)', () => {
  it('are dead-lettered with counts, the rest is complete, and the DLQ topic holds the original bytes and error headers', async () => {
    const input = await kit.createTopic(2);
    const dlq = await kit.createTopic(1);
    const bad = [
      { partition: 0, value: 'not json', headers: { trace: 'a' } },
      { partition: 1, value: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }, // invalid UTF-8
      { partition: 0, key: 'gone', value: null }, // tombstone
      { partition: 1, value: '{"id":"seven","ts":1}' }, // wrong type for a declared int
      { partition: 0, value: '{"id":99}' }, // no timestamp field
    ];
    const good = Array.from({ length: 40 }, (_, i) => ({ partition: i % 2, value: JSON.stringify({ id: i, ts: 1000 + i }) }));
    await kit.produce(input, [...good.slice(0, 20), ...bad, ...good.slice(20)]);
    const job = await Engine.start(spec([
      src(input, { dlqTopic: dlq, timestamp: 'ts', fields: [{ name: 'id', type: 'int' }, { name: 'ts', type: 'int' }] }),
      preview,
    ]));
    expect(await job.done).toEqual({ status: 'finished' });
    expect(job.preview('out').map((r) => (r as { id: number }).id).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(nodeMetrics(job, 'in').deadLettered).toBe(5);
    expect(job.metrics().deadLetters).toBe(5);
    const reasons = job.deadLetters().map((d) => d.error).join('\n');
    for (const why of ['not valid JSON', 'not valid UTF-8', 'null value', 'expected int', 'timestamp is missing']) expect(reasons).toContain(why);

    const inDlq = await kit.readAll(dlq, { expect: 5 });
    expect(inDlq).toHaveLength(5);
    const byClass = new Map(inDlq.map((m) => [m.headers['__riffle.errors.class']!.toString(), m]));
    expect([...byClass.keys()].sort()).toEqual(['InvalidJson', 'InvalidUtf8', 'MissingTimestamp', 'NullValue', 'WrongType']);
    expect(byClass.get('InvalidUtf8')!.value).toEqual(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(byClass.get('NullValue')!.value).toBeNull();
    expect(byClass.get('NullValue')!.key!.toString()).toBe('gone');
    const json = byClass.get('InvalidJson')!;
    expect(json.value!.toString()).toBe('not json');
    expect(json.headers.trace!.toString()).toBe('a'); // original headers kept
    expect(json.headers['__riffle.errors.stage']!.toString()).toBe('VALUE_CONVERTER');
    expect(json.headers['__riffle.errors.node.id']!.toString()).toBe('in');
    expect(json.headers['__riffle.errors.topic']!.toString()).toBe(input);
    expect(json.headers['__riffle.errors.partition']!.toString()).toBe('0');
    expect(json.headers['__riffle.errors.offset']!.toString()).toBe('10'); // 10 good records on partition 0 before it
    expect(byClass.get('MissingTimestamp')!.headers['__riffle.errors.stage']!.toString()).toBe('TIMESTAMP');
  });
});

describe('consumer lag', () => {
  it('is reported per partition and goes to 0 after catching up, also after new input', async () => {
    const input = await kit.createTopic(2);
    await kit.produce(input, records(1000));
    const job = await Engine.start(spec([src(input, { bounded: false }), preview]));
    const first = nodeMetrics(job, 'in');
    expect(first.consumerLag).toBeGreaterThan(0); // the log end is known at start
    await until('lag 0', () => {
      const m = nodeMetrics(job, 'in');
      return m.consumerLag === 0 && m.recordsOut === 1000 && m;
    });
    expect(nodeMetrics(job, 'in').partitionLag).toEqual([{ topic: input, partition: 0, lag: 0 }, { topic: input, partition: 1, lag: 0 }]);
    await until('bytes/s sampled', () => (nodeMetrics(job, 'in').bytesInPerSec ?? 0) > 0, 3000);
    await kit.produce(input, records(200));
    await until('lag 0 again', () => nodeMetrics(job, 'in').consumerLag === 0 && nodeMetrics(job, 'in').recordsOut === 1200);
    await job.stop();
  });

  it('commits its positions to groupId for monitoring, and startFrom "group" resumes there', async () => {
    const input = await kit.createTopic(2);
    const groupId = `g-${input}`;
    await kit.produce(input, records(100));
    const first = await Engine.start(spec([src(input, { groupId }), preview], 2));
    await first.done;
    const committed = await kit.admin.fetchOffsets({ groupId, topics: [input] });
    expect(committed[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(100);
    await kit.produce(input, records(10));
    const second = await Engine.start(spec([src(input, { groupId, startFrom: 'group' }), preview]));
    await second.done;
    expect(second.preview('out')).toHaveLength(10);
  });
});

describe('sink record above max.message.bytes (T20)', () => {
  it.each(['at-least-once', 'exactly-once'])('%s: the record is dead-lettered, everything else is written', async (delivery) => {
    const input = await kit.createTopic(1);
    const output = await kit.createTopic(1, { 'max.message.bytes': '2000' });
    const small = Array.from({ length: 30 }, (_, i) => ({ value: JSON.stringify({ id: i, s: 'x'.repeat(100) }) }));
    await kit.produce(input, [...small.slice(0, 15), { value: JSON.stringify({ id: 'big', s: 'y'.repeat(5000) }) }, ...small.slice(15)]);
    const job = await Engine.start(spec([src(input), kafkaOut(output, { delivery })]));
    expect(await job.done).toEqual({ status: 'finished' });
    expect(nodeMetrics(job, 'out').deadLettered).toBe(1);
    expect(job.deadLetters()[0]!.error).toContain('max.message.bytes');
    const got = await kit.readAll(output, { expect: 30 });
    expect(got.map((m) => JSON.parse(m.value!.toString()).id).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
