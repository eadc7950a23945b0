import { parseDuration, type FileSinkParams, type KafkaSinkParams, type PostgresSinkParams } from '@riffle/shared';
import type { Compilation, NodeCompiler, NodeInput } from './context.js';
import { fileUri } from './file-path.js';
import { sinkTable } from './sink-table.js';

/**
 * `sink.file` → the filesystem connector, `json` format (one object per line, as Riffle's NDJSON).
 * Flink names its part files `part-<uuid>-<n>` and, as Riffle's transactional file sink, publishes
 * them on checkpoints and at the end of a bounded input.
 */
export const compileFileSink: NodeCompiler<FileSinkParams> = (c, n) => {
  const uri = fileUri(c, n);
  if (uri !== undefined) sinkTable(c, n, { connector: 'filesystem', path: uri, format: 'json' });
  // Seen on Flink 2.2 (p=1 → 2): "cannot map checkpoint/savepoint state for operator … to the new
  // program". Likely cause: the sink's partition committer always runs at parallelism 1, so whether
  // it chains to the writer, and with it the job graph's hashed operator ids, depends on the job's
  // parallelism. (A Kafka sink's job restores at another parallelism: flink-rescale.test.ts.)
  c.notes.push(`${n.node.id}: on Flink a savepoint of a job with a file sink restores at the same parallelism only (Flink cannot map the file sink's state to the job at another parallelism)`);
  return undefined;
};

/**
 * `sink.kafka` → the Kafka connector, JSON values, with the same delivery guarantee. Exactly-once
 * writes in transactions that commit on checkpoints (`sink.delivery-guarantee` = `exactly-once`,
 * a transactional id prefix, the transaction timeout), so it needs the job's checkpoints. A `key`
 * expression becomes a hidden key column written with the `raw` format.
 */
export const compileKafkaSink: NodeCompiler<KafkaSinkParams> = (c, n) => {
  const p = n.params;
  const key = p.key === undefined ? undefined : messageKey(c, n, p.key);
  if (key === null) return undefined;
  const exactlyOnce = p.delivery === 'exactly-once';
  if (exactlyOnce && c.spec.config.checkpoints === undefined) {
    c.issue(n, 'flink_needs_checkpoints', "exactly-once on Flink commits on checkpoints: set the job's checkpoints (config.checkpoints)", ['params', 'delivery']);
    return undefined;
  }
  const prefix = p.transactionalIdPrefix ?? `riffle-${c.opts.jobName}-${n.node.id}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const format = key === undefined ? { format: 'json' } : { 'key.format': 'raw', 'key.fields': KAFKA_KEY, 'value.format': 'json', 'value.fields-include': 'EXCEPT_KEY' };
  const options = {
    connector: 'kafka',
    topic: p.topic,
    'properties.bootstrap.servers': p.brokers.join(','),
    ...format,
    'sink.delivery-guarantee': p.delivery,
    'sink.transactional-id-prefix': exactlyOnce ? prefix : undefined,
    'properties.transaction.timeout.ms': exactlyOnce ? parseDuration(p.transactionTimeout) : undefined,
  };
  sinkTable(c, n, options, key === undefined ? {} : { extra: { column: KAFKA_KEY, type: 'STRING', sql: key } });
  return undefined;
};

/** The message key's column in a Kafka sink table (written with the `raw` format, left out of the JSON value). */
const KAFKA_KEY = '__kafka_key';

/**
 * The `key` expression as the message key's text. Riffle writes a string key as it is and any other
 * value as JSON; Flink's CAST to STRING agrees for integers but not for bools (TRUE) or doubles
 * (1.0), so only string and int keys are taken. Null when refused (an issue was pushed).
 */
function messageKey(c: Compilation, n: NodeInput, expr: string): string | null {
  const e = c.expression(n, ['key'], expr, n.inputs[0]!.fields);
  if (e === undefined) return null;
  if (e.type === 'string') return e.sql;
  if (e.type === 'int') return `CAST(${e.sql} AS STRING)`;
  c.issue(n, 'flink_unsupported_param', `a ${e.type} message key is written differently by Flink (string and int keys are the same)`, ['params', 'key']);
  return null;
}

/**
 * `sink.postgres` → the JDBC connector (flink-connector-jdbc 4.0.0-2.0 with its postgres dialect
 * module and the PostgreSQL driver on the cluster): append, or upsert with the key columns as the
 * table's primary key. Flink does not create tables: with `createTable` the plan lists the table
 * (`plan.tables`) and the server creates it as Riffle's sink would before it submits the job.
 */
export const compilePostgresSink: NodeCompiler<PostgresSinkParams> = (c, n) => {
  const p = n.params;
  const url = new URL(p.connectionString);
  const jdbc = `jdbc:postgresql://${url.host}${url.pathname}`;
  const ok = sinkTable(
    c,
    n,
    {
      connector: 'jdbc',
      url: jdbc,
      'table-name': p.table,
      // Flink wants both or neither; a user without a password (trust auth) gets an empty one.
      username: url.username === '' ? undefined : decodeURIComponent(url.username),
      password: url.username === '' ? undefined : decodeURIComponent(url.password),
    },
    p.mode === 'upsert' ? { primaryKey: p.keyColumns } : {},
  );
  // sinkTable took only int, double, string and bool columns.
  if (ok && p.createTable) c.tables.push({ nodeId: n.node.id, table: p.table, columns: n.inputs[0]!.fields.map((f) => ({ name: f.name, type: f.type as 'int' })), keyColumns: [...p.keyColumns] });
  return undefined;
};
