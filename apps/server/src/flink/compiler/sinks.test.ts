import { describe, expect, it } from 'vitest';
import { linePipeline } from '../../../test/flink-specs.js';
import { compileToFlinkSql } from './index.js';

const table = (setup: string[], id: string) => setup.find((s) => s.startsWith(`CREATE TEMPORARY TABLE \`${id}\``)) ?? '';
const withSink = (sink: { id: string; kind: string; params: Record<string, unknown> }, checkpoints = true) =>
  compileToFlinkSql(linePipeline('k', [], { sink, config: { parallelism: 2, ...(checkpoints ? { checkpoints: { intervalMs: 5000 } } : {}) } }), { jobName: 'orders job' });

describe('sinks → tables and one statement set', () => {
  it('sink.kafka exactly-once: delivery guarantee, transactional id prefix, transaction timeout; checkpoints set', () => {
    const r = withSink({ id: 'out', kind: 'sink.kafka', params: { brokers: ['127.0.0.1:9092'], topic: 'results', delivery: 'exactly-once', transactionTimeout: '10m' } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(table(r.plan.setup, 'out')).toContain(
      "'connector' = 'kafka', 'topic' = 'results', 'properties.bootstrap.servers' = '127.0.0.1:9092', 'format' = 'json', 'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'riffle-orders_job-out', 'properties.transaction.timeout.ms' = '600000'",
    );
    expect(r.plan.setup).toEqual(expect.arrayContaining(["SET 'execution.checkpointing.interval' = '5000 ms'", "SET 'execution.checkpointing.mode' = 'EXACTLY_ONCE'", "SET 'parallelism.default' = '2'", "SET 'pipeline.name' = 'orders job'"]));
    expect(r.plan.insert).toBe('EXECUTE STATEMENT SET\nBEGIN\nINSERT INTO `out` SELECT `user`, `item`, `qty`, `price`, `ts` FROM `src`;\nEND');
  });

  it('sink.kafka key: a raw-format key column computed in the INSERT; bool keys (written differently) are refused', () => {
    const r = withSink({ id: 'out', kind: 'sink.kafka', params: { brokers: ['k:1'], topic: 't', key: 'item' } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(table(r.plan.setup, 'out')).toContain("`__kafka_key` STRING\n) WITH ('connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'k:1', 'key.format' = 'raw', 'key.fields' = '__kafka_key', 'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY'");
    expect(r.plan.insert).toContain('SELECT `user`, `item`, `qty`, `price`, `ts`, CAST(`item` AS STRING) FROM `src`');
    const bool = withSink({ id: 'out', kind: 'sink.kafka', params: { brokers: ['k:1'], topic: 't', key: 'qty > 1' } });
    expect(bool.ok || bool.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_param', path: ['nodes', 1, 'params', 'key'] })]);
  });

  it('sink.kafka exactly-once without checkpoints is refused (Flink commits its transactions on checkpoints)', () => {
    const r = withSink({ id: 'out', kind: 'sink.kafka', params: { brokers: ['k:1'], topic: 't', delivery: 'exactly-once' } }, false);
    expect(r.ok || r.issues).toEqual([expect.objectContaining({ code: 'flink_needs_checkpoints', path: ['nodes', 1, 'params', 'delivery'] })]);
  });

  it('sink.postgres upsert: the JDBC connector with the key columns as primary key; createTable lists the table for the server to create', () => {
    const r = withSink({ id: 'out', kind: 'sink.postgres', params: { connectionString: 'postgres://riffle:s%40cret@127.0.0.1:5433/shop', table: 'public.orders', mode: 'upsert', keyColumns: ['user', 'item'], createTable: false } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const t = table(r.plan.setup, 'out');
    expect(t).toContain('`user` STRING NOT NULL');
    expect(t).toContain('PRIMARY KEY (`user`, `item`) NOT ENFORCED');
    expect(t).toContain("'connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:5433/shop', 'table-name' = 'public.orders', 'username' = 'riffle', 'password' = 's@cret'");
    const trust = withSink({ id: 'out', kind: 'sink.postgres', params: { connectionString: 'postgres://postgres@h:5432/db', table: 't', createTable: false } });
    expect(trust.ok && table(trust.plan.setup, 'out')).toContain("'username' = 'postgres', 'password' = ''");
    expect(r.plan.tables).toBeUndefined();
    const created = withSink({ id: 'out', kind: 'sink.postgres', params: { connectionString: 'postgres://u:secret@h/db', table: 's.t', mode: 'upsert', keyColumns: ['user'], createTable: true } });
    if (!created.ok) throw new Error(JSON.stringify(created.issues));
    // The columns and key Riffle's sink would create the table with; no connection string (it holds the password).
    expect(created.plan.tables).toEqual([
      {
        nodeId: 'out',
        table: 's.t',
        columns: [
          { name: 'user', type: 'string' },
          { name: 'item', type: 'int' },
          { name: 'qty', type: 'int' },
          { name: 'price', type: 'double' },
          { name: 'ts', type: 'int' },
        ],
        keyColumns: ['user'],
      },
    ]);
    expect(JSON.stringify(created.plan.tables)).not.toContain('secret');
  });

  it('sink.file: the plan says a savepoint restores at the same parallelism only', () => {
    const r = withSink({ id: 'files', kind: 'sink.file', params: { path: '/data/out' } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.plan.notes).toContainEqual(expect.stringMatching(/^files: on Flink a savepoint of a job with a file sink restores at the same parallelism only/));
  });

  it('sink.collect without preview brokers becomes a blackhole table, and the plan says the preview stays empty', () => {
    const r = withSink({ id: 'preview', kind: 'sink.collect', params: {} });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(table(r.plan.setup, 'preview')).toContain("WITH ('connector' = 'blackhole')");
    expect(r.plan.notes).toContainEqual(expect.stringMatching(/^preview: the preview shows no records on Flink \(its rows go to a blackhole table; .*FLINK_PREVIEW_BROKERS/));
    expect(r.plan.preview).toBeUndefined();
  });

  it('sink.collect with preview brokers: an at-least-once JSON Kafka table on the job and node topic, listed in plan.preview with its limit', () => {
    const spec = linePipeline('k', [], { sink: { id: 'peek', kind: 'sink.collect', params: { limit: 7 } } });
    const r = compileToFlinkSql(spec, { jobName: 'k', preview: { brokers: ['10.0.0.5:9092', 'b2:9093'], jobId: 'mfx1a2b3-0123456789' } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(table(r.plan.setup, 'peek')).toBe(
      "CREATE TEMPORARY TABLE `peek` (\n  `user` STRING,\n  `item` BIGINT,\n  `qty` BIGINT,\n  `price` DOUBLE,\n  `ts` BIGINT\n) WITH ('connector' = 'kafka', 'topic' = 'riffle-preview-mfx1a2b3-0123456789-peek', 'properties.bootstrap.servers' = '10.0.0.5:9092,b2:9093', 'format' = 'json', 'sink.delivery-guarantee' = 'at-least-once')",
    );
    expect(r.plan.insert).toContain('INSERT INTO `peek` SELECT `user`, `item`, `qty`, `price`, `ts` FROM `src`');
    expect(r.plan.preview).toEqual({ brokers: ['10.0.0.5:9092', 'b2:9093'], sinks: [{ nodeId: 'peek', topic: 'riffle-preview-mfx1a2b3-0123456789-peek', limit: 7 }] });
    expect(r.plan.notes?.join('\n') ?? '').not.toMatch(/blackhole/);
    // Without a preview sink there is nothing to create or read.
    const none = compileToFlinkSql(linePipeline('k', []), { jobName: 'k', preview: { brokers: ['b:1'], jobId: 'mfx1a2b3-0123456789' } });
    expect(none.ok && none.plan.preview).toBeUndefined();
  });
});
