import type { JobMetrics, JobSpec, KafkaSourceParams } from '@riffle/shared';
import { operatorMetric, type VertexSample } from './flink-metrics.js';
import type { FlinkSqlPlan } from './plan-types.js';
import { mentions } from './vertex-map.js';

/** The log end of each partition of a topic (next offset to be written), read from the broker. */
export type EndOffsetsReader = (brokers: string[], topic: string) => Promise<Map<number, number>>;

/** Where a Flink Kafka source stands in one partition: the offset of the next record it will read. */
export interface PartitionPosition {
  topic: string;
  partition: number;
  next: number;
}

/**
 * Flink's Kafka source reports, per partition it reads, the offset of the last record it
 * consumed (`KafkaSourceReader.topic.<topic>.partition.<p>.currentOffset`; negative before the
 * first). The topic may contain dots, so the partition part is matched from the end.
 */
const CURRENT_OFFSET = /^(.+)\.KafkaSourceReader\.topic\.(.+)\.partition\.(\d+)\.currentOffset$/;

/**
 * The positions of the Kafka source operator of table `name` in a vertex. Partitions it has not
 * read a record from yet are left out: their position is not known from Flink (it depends on the
 * start mode), and a guess would show a false backlog.
 */
export function partitionPositions(v: VertexSample | undefined, name: string): PartitionPosition[] {
  const out: PartitionPosition[] = [];
  for (const [id, value] of Object.entries(v?.operatorMetrics ?? {})) {
    const m = CURRENT_OFFSET.exec(id);
    if (!m || !mentions(m[1]!.replace(/^[A-Za-z]+__/, ''), name) || !(value >= 0)) continue;
    out.push({ topic: m[2]!, partition: Number(m[3]), next: value + 1 });
  }
  return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/**
 * Adds each Kafka source's lag per partition to a sample, as the embedded engine reports it:
 * the broker's log end minus the position Flink reports, with `consumerLag` their sum. Flink's
 * own `pendingRecords` (its consumer's records-lag, summed) is the tie-breaker: when it says 0 the
 * source is caught up, even where the log ends in a transaction marker (an offset with no record
 * to read, which the subtraction would count). A source whose broker cannot be read keeps what
 * `buildJobMetrics` gave it (`pendingRecords` as `consumerLag`).
 */
export async function addKafkaLag(
  sample: JobMetrics,
  input: { spec: JobSpec; plan: Pick<FlinkSqlPlan, 'nodes'>; nodeVertex: Record<string, string>; vertices: ReadonlyMap<string, VertexSample> },
  endOffsets: EndOffsetsReader,
  warn?: (msg: string, err: unknown) => void,
): Promise<JobMetrics> {
  const lags = new Map<string, Array<{ topic: string; partition: number; lag: number }>>();
  await Promise.all(
    input.spec.nodes
      .filter((n) => n.kind === 'source.kafka' && input.plan.nodes[n.id]?.role === 'source')
      .map(async (n) => {
        const table = input.plan.nodes[n.id]!.name;
        const v = input.vertices.get(input.nodeVertex[n.id] ?? '');
        const positions = partitionPositions(v, table);
        if (positions.length === 0) return;
        const caughtUp = operatorMetric(v, table, 'source', 'pendingRecords') === 0;
        const brokers = (n.params as KafkaSourceParams).brokers;
        try {
          const ends = new Map<string, Map<number, number>>();
          for (const topic of new Set(positions.map((p) => p.topic))) ends.set(topic, await endOffsets(brokers, topic));
          lags.set(
            n.id,
            positions.map((p) => {
              const end = ends.get(p.topic)!.get(p.partition) ?? p.next;
              return { topic: p.topic, partition: p.partition, lag: caughtUp ? 0 : Math.max(0, end - p.next) };
            }),
          );
        } catch (err) {
          warn?.(`could not read the log ends of ${n.id}'s topics for its lag`, err);
        }
      }),
  );
  if (lags.size === 0) return sample;
  const operators = sample.operators.map((o) => {
    const partitionLag = lags.get(o.nodeId);
    return partitionLag === undefined ? o : { ...o, partitionLag, consumerLag: partitionLag.reduce((s, p) => s + p.lag, 0) };
  });
  return { ...sample, operators };
}
