import type { CollectParams } from '@riffle/shared';
import type { NodeCompiler } from './context.js';
import { sinkTable } from './sink-table.js';

/**
 * The topic a `sink.collect` node of a Flink run writes its rows to: one per job and node, the same
 * for every run of the job (a restore writes where the run it restores from wrote). Job ids are
 * `<base-36 ms>-<10 hex>` and node ids `[A-Za-z0-9_-]`, both legal in topic names, and the job id's
 * fixed shape keeps two jobs' names apart.
 * @example
 * previewTopic('mfx1a2b3-0123456789', 'out') // 'riffle-preview-mfx1a2b3-0123456789-out'
 */
export function previewTopic(jobId: string, nodeId: string): string {
  return `riffle-preview-${jobId}-${nodeId}`;
}

/**
 * `sink.collect` (the builder's preview). With the server's preview Kafka cluster
 * (`opts.preview`): the Kafka connector, JSON values, at-least-once (written as they come, not on
 * checkpoints: a preview must not wait for them) on the node's {@link previewTopic}, listed in
 * `plan.preview` for the server to create and read. Without it: the `blackhole` connector, and the
 * plan says the preview stays empty. Refusing it would stop almost every pipeline from the
 * builder, which ends in a preview.
 */
export const compileCollectSink: NodeCompiler<CollectParams> = (c, n) => {
  const preview = c.opts.preview;
  if (preview === undefined) {
    if (sinkTable(c, n, { connector: 'blackhole' })) c.notes.push(`${n.node.id}: the preview shows no records on Flink (its rows go to a blackhole table; the server's FLINK_PREVIEW_BROKERS names a Kafka cluster for previews)`);
    return undefined;
  }
  const topic = previewTopic(preview.jobId, n.node.id);
  const options = { connector: 'kafka', topic, 'properties.bootstrap.servers': preview.brokers.join(','), format: 'json', 'sink.delivery-guarantee': 'at-least-once' };
  if (sinkTable(c, n, options)) c.previews.push({ nodeId: n.node.id, topic, limit: n.params.limit });
  return undefined;
};
