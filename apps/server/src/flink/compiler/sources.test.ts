import { describe, expect, it } from 'vitest';
import { linePipeline, ORDER_FIELDS } from '../../../test/flink-specs.js';
import { compileToFlinkSql } from './index.js';

const table = (setup: string[], id: string) => setup.find((s) => s.startsWith(`CREATE TEMPORARY TABLE \`${id}\``)) ?? '';

function compiled(source: { id: string; kind: string; params: Record<string, unknown> }, opts: { baseDir?: string; time?: 'event' | 'processing' } = {}) {
  const spec = linePipeline('s', [], { source, config: { parallelism: 1, time: opts.time ?? 'event' } });
  return compileToFlinkSql(spec, { jobName: 's', ...(opts.baseDir !== undefined ? { baseDir: opts.baseDir } : {}) });
}

describe('sources → tables with their watermark strategy', () => {
  it('source.file: filesystem + json, declared columns, event time from the timestamp, watermark = max − bound − 1 ms', () => {
    const r = compiled({ id: 'src', kind: 'source.file', params: { path: 'in/orders.ndjson', fields: ORDER_FIELDS, timestamp: 'ts', watermark: { maxOutOfOrderness: '5s', idleTimeout: '30s' } } }, { baseDir: '/data' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const t = table(r.plan.setup, 'src');
    expect(t).toContain('`user` STRING,\n  `item` BIGINT,\n  `qty` BIGINT,\n  `price` DOUBLE,\n  `ts` BIGINT');
    expect(t).toContain('`__rt` AS TO_TIMESTAMP_LTZ(CAST(`ts` AS BIGINT), 3)');
    expect(t).toContain("WATERMARK FOR `__rt` AS `__rt` - INTERVAL '0 00:00:05.001' DAY TO SECOND(3)");
    expect(t).toContain("'connector' = 'filesystem', 'path' = 'file:///data/in/orders.ndjson', 'format' = 'json'");
    expect(r.plan.setup).toContain("SET 'table.exec.source.idle-timeout' = '30000 ms'");
    expect(r.plan.setup).toContain("SET 'table.local-time-zone' = 'UTC'");
    expect(r.plan.nodes.src).toEqual({ name: 'src', role: 'source' });
  });

  it('source.file: undeclared fields, a relative path without a base folder, a path leaving it are issues', () => {
    const open = compiled({ id: 'src', kind: 'source.file', params: { path: '/x.ndjson', timestamp: 'ts' } });
    expect(open.ok || open.issues.map((i) => i.code)).toEqual(['flink_undeclared_fields']);
    const rel = compiled({ id: 'src', kind: 'source.file', params: { path: 'x.ndjson', fields: ORDER_FIELDS } });
    expect(rel.ok || rel.issues).toEqual([expect.objectContaining({ code: 'flink_relative_path', path: ['nodes', 0, 'params', 'path'] })]);
    const out = compiled({ id: 'src', kind: 'source.file', params: { path: '../etc/x', fields: ORDER_FIELDS } }, { baseDir: '/data' });
    expect(out.ok || out.issues.map((i) => i.code)).toEqual(['path_outside_base_dir']);
  });

  it('processing time, or no timestamp: a PROCTIME() column and no watermark', () => {
    const r = compiled({ id: 'src', kind: 'source.file', params: { path: '/in', fields: ORDER_FIELDS, timestamp: 'ts' } }, { time: 'processing' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(table(r.plan.setup, 'src')).toContain('`__rt` AS PROCTIME()');
    expect(table(r.plan.setup, 'src')).not.toContain('WATERMARK');
  });

  it('source.kafka: topic, brokers, group, start offsets, bounded, read_committed; the record timestamp when no field gives one', () => {
    const r = compiled({
      id: 'src',
      kind: 'source.kafka',
      params: { brokers: ['127.0.0.1:9092', 'b:9093'], topic: 'orders', groupId: 'g1', startFrom: 'group', bounded: true, fields: ORDER_FIELDS, watermark: { maxOutOfOrderness: '2s' } },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const t = table(r.plan.setup, 'src');
    expect(t).toContain("`__rt` TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL");
    expect(t).toContain("INTERVAL '0 00:00:02.001' DAY TO SECOND(3)");
    expect(t).toContain(
      "'connector' = 'kafka', 'topic' = 'orders', 'properties.bootstrap.servers' = '127.0.0.1:9092,b:9093', 'properties.group.id' = 'g1', 'properties.isolation.level' = 'read_committed', 'scan.startup.mode' = 'group-offsets', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json'",
    );
    const ts = compiled({ id: 'src', kind: 'source.kafka', params: { brokers: ['k:1'], topic: 't', startFrom: { timestamp: 1700000000000 }, fields: ORDER_FIELDS, dlqTopic: 'bad' } });
    expect(ts.ok || ts.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_param', path: ['nodes', 0, 'params', 'dlqTopic'] })]);
  });

  it('source.kafka with watermark intervalMs 0: Flink\'s on-event emission, without the periodic-emission note; sums in one phase', () => {
    const r = compiled({ id: 'src', kind: 'source.kafka', params: { brokers: ['k:1'], topic: 't', bounded: true, fields: ORDER_FIELDS, timestamp: 'ts', watermark: { maxOutOfOrderness: '2s', intervalMs: 0 } } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(table(r.plan.setup, 'src')).toContain("'scan.watermark.emit.strategy' = 'on-event'");
    expect(r.plan.notes?.join('\n') ?? '').not.toMatch(/intervalMs/);
    // Riffle adds records into an aggregate in arrival order; Flink's two-phase plan would not.
    expect(r.plan.setup).toContain("SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE'");
    const periodic = compiled({ id: 'src', kind: 'source.kafka', params: { brokers: ['k:1'], topic: 't', fields: ORDER_FIELDS } });
    if (!periodic.ok) throw new Error(JSON.stringify(periodic.issues));
    expect(table(periodic.plan.setup, 'src')).not.toContain('emit.strategy');
    const file = compiled({ id: 'src', kind: 'source.file', params: { path: '/in.ndjson', fields: ORDER_FIELDS, timestamp: 'ts', watermark: { intervalMs: 0 } } });
    if (!file.ok) throw new Error(JSON.stringify(file.issues));
    expect(file.plan.notes?.join('\n') ?? '').toMatch(/intervalMs 0 has no Flink equivalent/);
  });

  it('source.kafka with topicPattern: the pattern and partition discovery (unbounded only)', () => {
    const r = compiled({ id: 'src', kind: 'source.kafka', params: { brokers: ['k:1'], topicPattern: 'orders-.*', partitionDiscovery: '30s', fields: ORDER_FIELDS } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const t = table(r.plan.setup, 'src');
    expect(t).toContain("'topic-pattern' = 'orders-.*'");
    expect(t).toContain("'scan.topic-partition-discovery.interval' = '30s'");
    expect(t).not.toContain("'topic' =");
    const bounded = compiled({ id: 'src', kind: 'source.kafka', params: { brokers: ['k:1'], topicPattern: 'orders-.*', bounded: true, fields: ORDER_FIELDS } });
    if (!bounded.ok) throw new Error(JSON.stringify(bounded.issues));
    expect(table(bounded.plan.setup, 'src')).not.toContain('discovery');
  });

  it('source.datagen, sequence profile: key = i mod keys, seq = i / keys on the same schedule, bounded only', () => {
    const r = compiled({ id: 'src', kind: 'source.datagen', params: { profile: 'sequence', keys: 10, ratePerSec: 100, count: 50, startTime: 1_700_000_000_000 } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const t = table(r.plan.setup, 'src');
    expect(t).toContain('`key` AS MOD(`__seq`, 10)');
    expect(t).toContain('`seq` AS CAST(FLOOR(`__seq` / CAST(10 AS DOUBLE)) AS BIGINT)');
    expect(t).toContain("'fields.__seq.kind' = 'sequence', 'fields.__seq.start' = '0', 'fields.__seq.end' = '49'");
    expect(r.plan.notes?.join('\n') ?? '').not.toMatch(/random/);
    const endless = compiled({ id: 'src', kind: 'source.datagen', params: { profile: 'sequence', ratePerSec: 100 } });
    expect(endless.ok || endless.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_param', path: ['nodes', 0, 'params', 'count'] })]);
  });

  it('source.datagen: the clickstream fields and ranges, its rate and count, ts on the same schedule; says the values differ', () => {
    const r = compiled({ id: 'src', kind: 'source.datagen', params: { ratePerSec: 500, count: 1000, startTime: 1_700_000_000_000, watermark: { maxOutOfOrderness: '5s' } } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const t = table(r.plan.setup, 'src');
    expect(t).toContain("'connector' = 'datagen', 'rows-per-second' = '500', 'number-of-rows' = '1000', 'fields.user_id.min' = '1', 'fields.user_id.max' = '1000'");
    expect(t).toContain("'fields.__seq.kind' = 'sequence', 'fields.__seq.start' = '0', 'fields.__seq.end' = '999'");
    expect(t).toContain('`ts` AS (1700000000000 + CAST(`__seq` * 1000 / CAST(500 AS DOUBLE) AS BIGINT) - `__jitter`)');
    expect(t).toContain("`event_type` AS CASE WHEN `__kind` < 70 THEN 'view'");
    expect(t).toContain("WATERMARK FOR `__rt` AS `__rt` - INTERVAL '0 00:00:05.001' DAY TO SECOND(3)");
    expect(r.plan.notes?.join('\n')).toMatch(/random values .* not Riffle's seeded sequence/);
  });

  it('source.datagen without a count: no sequence column (Flink would hold every value), event time from the wall clock', () => {
    const r = compiled({ id: 'src', kind: 'source.datagen', params: { ratePerSec: 500 } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const t = table(r.plan.setup, 'src');
    expect(t).not.toContain('__seq');
    expect(t).not.toContain('number-of-rows');
    expect(t).toContain('CAST(CURRENT_ROW_TIMESTAMP() AS TIMESTAMP(3))');
    expect(r.plan.notes?.join('\n')).toContain('follows the wall clock');
  });

  it('source.nexmark is refused with why (no Flink connector for it), on its kind', () => {
    const r = compiled({ id: 'src', kind: 'source.nexmark', params: { maxEvents: 10 } });
    expect(r.ok || r.issues).toEqual([
      {
        code: 'flink_unsupported_kind',
        nodeId: 'src',
        path: ['nodes', 0, 'kind'],
        message: expect.stringMatching(/^src: source\.nexmark does not run on Flink: Flink has no Nexmark source connector .*read them with a Kafka source$/),
      },
    ]);
  });
});
