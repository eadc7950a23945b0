import type { KafkaSourceParams } from '@riffle/shared';
import type { NodeCompiler } from './context.js';
import { declaredFields, sourceTable } from './source-table.js';
import { sourceColumns } from './source-time.js';

const STARTUP: Record<'earliest' | 'latest' | 'group', string> = { earliest: 'earliest-offset', latest: 'latest-offset', group: 'group-offsets' };

/**
 * `source.kafka` (JSON) → the Kafka connector with the `json` format: the same topic, start
 * position, group and boundedness; read_committed as Riffle reads; event time from the
 * `timestamp` field or else the Kafka record timestamp (a metadata column), with the same
 * watermark bound. Flink fails the job on a malformed record where Riffle dead-letters it, so a
 * `dlqTopic` cannot be honoured and is refused.
 */
export const compileKafkaSource: NodeCompiler<KafkaSourceParams> = (c, n) => {
  const p = n.params;
  if (p.format !== 'json') {
    c.issue(n, 'flink_unsupported_param', `the ${p.format} format does not run on Flink yet (json does)`, ['params', 'format']);
    return undefined;
  }
  if (p.dlqTopic !== undefined) {
    c.issue(n, 'flink_unsupported_param', 'Flink SQL has no dead-letter output: it fails the job on a malformed record', ['params', 'dlqTopic']);
    return undefined;
  }
  const fields = declaredFields(c, n);
  if (fields === undefined) return undefined;
  const defs = sourceColumns(c, n, fields, p, { recordTime: "TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL" });
  if (defs === undefined) return undefined;
  if (p.ratePerSec !== undefined) c.notes.push(`${n.node.id}: ratePerSec is not applied on Flink`);
  const start = typeof p.startFrom === 'object' ? { 'scan.startup.mode': 'timestamp', 'scan.startup.timestamp-millis': p.startFrom.timestamp } : { 'scan.startup.mode': STARTUP[p.startFrom] };
  return sourceTable(
    c,
    n,
    defs,
    {
      connector: 'kafka',
      topic: p.topic,
      // Java regex here, RE2 in Riffle: the same for the patterns topic names need (classes, repeats, alternation).
      'topic-pattern': p.topicPattern,
      // New partitions and matching topics, read from their earliest offset in both engines.
      'scan.topic-partition-discovery.interval': p.bounded ? undefined : p.partitionDiscovery,
      'properties.bootstrap.servers': p.brokers.join(','),
      'properties.group.id': p.groupId,
      'properties.isolation.level': 'read_committed',
      ...start,
      'scan.bounded.mode': p.bounded ? 'latest-offset' : undefined,
      // Riffle's intervalMs 0 (a watermark after each record) is Flink's on-event emission (FLIP-296).
      'scan.watermark.emit.strategy': p.watermark.intervalMs === 0 ? 'on-event' : undefined,
      format: 'json',
    },
    fields,
  );
};
