import { describe, expect, it } from 'vitest';
import { validateSpec } from '../validate.js';
import { getOperator, topicMatches } from './index.js';

type Node = { id: string; kind: string; params: Record<string, unknown> };

/** source.kafka → sink, with params overridden per test. */
function job(source: Record<string, unknown>, sink: Node) {
  return {
    specVersion: 1,
    name: 'kafka-job',
    nodes: [{ id: 'in', kind: 'source.kafka', params: { brokers: ['localhost:9092'], topic: 'events', ...source } }, sink],
    edges: [{ from: 'in', to: sink.id }],
  };
}
const kafkaOut = (params: Record<string, unknown> = {}): Node => ({ id: 'out', kind: 'sink.kafka', params: { brokers: ['localhost:9092'], topic: 'out', ...params } });
const pgOut = (params: Record<string, unknown> = {}): Node => ({
  id: 'out', kind: 'sink.postgres', params: { connectionString: 'postgres://u@h:5432/db', table: 'results', ...params },
});
const fields = [{ name: 'id', type: 'int' }, { name: 'name', type: 'string' }];

function problems(spec: unknown) {
  return validateSpec(spec).errors.map((e) => ({ path: e.path, code: e.code }));
}

describe('connector catalog entries', () => {
  it('are in the palette with their category and fill in defaults', () => {
    expect(getOperator('source.kafka')?.category).toBe('source');
    expect(getOperator('sink.kafka')?.category).toBe('sink');
    expect(getOperator('sink.postgres')?.category).toBe('sink');
    const r = validateSpec(job({}, kafkaOut()));
    expect(r.errors).toEqual([]);
    expect(r.spec!.nodes[0]!.params).toMatchObject({ format: 'json', startFrom: 'earliest', bounded: false, watermark: { maxOutOfOrderness: '0s' } });
    expect(r.spec!.nodes[1]!.params).toMatchObject({ format: 'json', delivery: 'at-least-once', transactionTimeout: '15m' });
  });

  it('propagate the declared fields, or an open schema, or {key, value} for the string format', () => {
    const declared = validateSpec(job({ fields }, pgOut({ mode: 'upsert', keyColumns: ['id'] })));
    expect(declared.errors).toEqual([]);
    expect(declared.types['out']?.output).toEqual({ open: false, fields });
    const open = validateSpec(job({}, kafkaOut({ key: 'user_id' })));
    expect(open.types['in']?.output).toEqual({ open: true, fields: [] });
    const str = validateSpec(job({ format: 'string' }, kafkaOut({ key: 'key' })));
    expect(str.types['in']?.output.fields.map((f) => f.name)).toEqual(['key', 'value']);
  });

  it('reject bad brokers and a missing topic', () => {
    expect(problems(job({ brokers: ['http://localhost:9092'] }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.brokers[0]', code: 'bad_params' });
    expect(problems(job({ brokers: [] }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.brokers', code: 'bad_params' });
    expect(problems(job({ topic: undefined }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.topic', code: 'bad_params' });
    expect(problems(job({}, kafkaOut({ topic: 'bad topic!' })))).toContainEqual({ path: '$.nodes[1].params.topic', code: 'bad_params' });
  });

  it('read one topic or every topic matching topicPattern (RE2, whole names), not both', () => {
    const r = validateSpec(job({ topic: undefined, topicPattern: 'orders-.*' }, kafkaOut()));
    expect(r.errors).toEqual([]);
    expect(r.spec!.nodes[0]!.params).toMatchObject({ topicPattern: 'orders-.*', partitionDiscovery: '5m' });
    expect(problems(job({ topicPattern: 'orders-.*' }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.topic', code: 'bad_params' });
    expect(problems(job({ topic: undefined, topicPattern: '(a' }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.topicPattern', code: 'bad_params' });
    // Backreferences are not RE2: refused rather than run by a backtracking engine.
    expect(problems(job({ topic: undefined, topicPattern: '(a)\\1' }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.topicPattern', code: 'bad_params' });
    expect(problems(job({ topic: undefined, topicPattern: 'orders-.*', dlqTopic: 'orders-dlq' }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.dlqTopic', code: 'bad_params' });
    expect(problems(job({ topic: undefined, topicPattern: 'orders-.*', dlqTopic: 'dlq-orders' }, kafkaOut()))).toEqual([]);
    expect(topicMatches('orders-.*', 'orders-eu')).toBe(true);
    expect(topicMatches('orders-.*', 'old-orders-eu')).toBe(false);
  });

  it('reject inconsistent source params', () => {
    expect(problems(job({ startFrom: 'group' }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.startFrom', code: 'bad_params' });
    expect(problems(job({ startFrom: { timestamp: -1 } }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.startFrom.timestamp', code: 'bad_params' });
    expect(problems(job({ format: 'csv' }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.fields', code: 'bad_params' });
    expect(problems(job({ fields, timestamp: 'name' }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.timestamp', code: 'bad_params' });
    expect(problems(job({ dlqTopic: 'events' }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.dlqTopic', code: 'bad_params' });
    expect(problems(job({ watermark: { maxOutOfOrderness: '1s', idleTimeout: 'soon' } }, kafkaOut()))).toContainEqual({ path: '$.nodes[0].params.watermark.idleTimeout', code: 'bad_params' });
  });

  it('reject a bad delivery mode, a transactionTimeout above 15m and a key over unknown fields', () => {
    expect(problems(job({}, kafkaOut({ delivery: 'exactly-twice' })))).toContainEqual({ path: '$.nodes[1].params.delivery', code: 'bad_params' });
    expect(problems(job({}, kafkaOut({ delivery: 'exactly-once', transactionTimeout: '16m' })))).toContainEqual({ path: '$.nodes[1].params.transactionTimeout', code: 'bad_params' });
    expect(problems(job({}, kafkaOut({ delivery: 'exactly-once', transactionTimeout: '15m' })))).toEqual([]);
    expect(problems(job({}, kafkaOut({ delivery: 'exactly-once', transactionTimeout: '10s', commitInterval: '30s' })))).toContainEqual({ path: '$.nodes[1].params.commitInterval', code: 'bad_params' });
    expect(problems(job({ fields }, kafkaOut({ key: 'nope' })))).toContainEqual({ path: '$.nodes[1].params.key', code: 'bad_expression' });
  });

  it('with checkpoints, reject an exactly-once transactionTimeout below the checkpoint interval + checkpoint timeout', () => {
    const withCheckpoints = (checkpoints: Record<string, unknown>, sink: Node) => ({ ...job({}, sink), config: { checkpoints } });
    const path = { path: '$.nodes[1].params.transactionTimeout', code: 'bad_params' };
    // 10 s interval + the default 60 s checkpoint timeout: 1m is too short, 70s is enough.
    expect(problems(withCheckpoints({ intervalMs: 10_000 }, kafkaOut({ delivery: 'exactly-once', transactionTimeout: '1m' })))).toContainEqual(path);
    expect(problems(withCheckpoints({ intervalMs: 10_000 }, kafkaOut({ delivery: 'exactly-once', transactionTimeout: '70s' })))).toEqual([]);
    expect(problems(withCheckpoints({ intervalMs: 200, timeoutMs: 5000 }, kafkaOut({ delivery: 'exactly-once', transactionTimeout: '5s' })))).toContainEqual(path);
    expect(problems(withCheckpoints({ intervalMs: 200, timeoutMs: 5000 }, kafkaOut({ delivery: 'exactly-once', transactionTimeout: '6s' })))).toEqual([]);
    // The default (15m, the broker maximum) fits the default timing; at-least-once has no transactions.
    expect(problems(withCheckpoints({}, kafkaOut({ delivery: 'exactly-once' })))).toEqual([]);
    expect(problems(withCheckpoints({ intervalMs: 10_000 }, kafkaOut({ delivery: 'at-least-once', transactionTimeout: '1m' })))).toEqual([]);
    // Above the broker maximum stays an error with checkpoints too.
    expect(problems(withCheckpoints({ intervalMs: 10_000 }, kafkaOut({ delivery: 'exactly-once', transactionTimeout: '16m' })))).toContainEqual(path);
  });

  it('reject a bad postgres mode, upsert without key columns or with key columns not in the input', () => {
    expect(problems(job({ fields }, pgOut({ mode: 'merge' })))).toContainEqual({ path: '$.nodes[1].params.mode', code: 'bad_params' });
    expect(problems(job({ fields }, pgOut({ mode: 'upsert' })))).toContainEqual({ path: '$.nodes[1].params.keyColumns', code: 'bad_params' });
    expect(problems(job({ fields }, pgOut({ mode: 'upsert', keyColumns: ['id', 'missing'] })))).toContainEqual({ path: '$.nodes[1].params.keyColumns[1]', code: 'unknown_field' });
    expect(problems(job({ fields }, pgOut({ connectionString: 'mysql://x' })))).toContainEqual({ path: '$.nodes[1].params.connectionString', code: 'bad_params' });
    expect(problems(job({}, pgOut({ createTable: true })))).toContainEqual({ path: '$.nodes[1].params.createTable', code: 'bad_params' });
    expect(problems(job({ fields }, pgOut({ mode: 'upsert', keyColumns: ['id'], createTable: true })))).toEqual([]);
  });
});

describe('declared source fields', () => {
  it('refuse the name __proto__ (a CSV decoder assigning it would set the record prototype), with its path', () => {
    const bad = problems(job({ format: 'csv', fields: [{ name: 'id', type: 'int' }, { name: '__proto__', type: 'string' }] }, kafkaOut()));
    expect(bad.map((p) => p.path)).toContain('$.nodes[0].params.fields[1].name');
    expect(problems(job({ format: 'csv', fields: [{ name: 'user id', type: 'int' }] }, kafkaOut()))).toEqual([]);
  });
});
