import { createKafkaTopic, deleteKafkaTopics, kafkaEndOffsets, KafkaTopicTail, type FetchedRecord } from '@riffle/engine';
import { RiffleError } from '@riffle/shared';
import { RingBuffer } from '../ring-buffer.js';
import type { FlinkPreviewPlan } from './plan-types.js';

/**
 * Settings of a preview topic: it only feeds the preview, so it holds little (an hour, 64 MiB) and
 * the broker stamps records with their append time, so retention counts from when they were
 * written, whatever event time Flink's rows carry.
 */
export const PREVIEW_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'retention.ms': String(60 * 60 * 1000),
  'retention.bytes': String(64 * 1024 * 1024),
  'segment.bytes': String(16 * 1024 * 1024),
  'message.timestamp.type': 'LogAppendTime',
};

const ADMIN_TIMEOUT_MS = 15_000;
/** How long the end of a run waits for the last preview rows to be read. */
const DRAIN_MS = 3000;

/**
 * Creates the run's preview topics (one partition each) where missing, before the submit, and
 * returns where this run's rows begin in each (node id → offset): a topic left by an earlier run
 * (its deletion failed) keeps that run's rows, which the preview must not show.
 */
export async function preparePreviewTopics(preview: FlinkPreviewPlan): Promise<Record<string, number>> {
  const from: Record<string, number> = {};
  try {
    for (const s of preview.sinks) {
      await createKafkaTopic(preview.brokers, s.topic, { partitions: 1, configs: { ...PREVIEW_TOPIC_CONFIGS } }, { timeoutMs: ADMIN_TIMEOUT_MS });
      from[s.nodeId] = (await kafkaEndOffsets(preview.brokers, s.topic, { timeoutMs: ADMIN_TIMEOUT_MS })).get(0) ?? 0;
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new RiffleError({
      code: 'flink_preview_unavailable',
      domain: 'external',
      retryable: true,
      message: `could not create the preview topics on the preview Kafka cluster (FLINK_PREVIEW_BROKERS=${preview.brokers.join(',')}): ${why}; start that cluster, or unset FLINK_PREVIEW_BROKERS to run Flink jobs without previews`,
      cause: err,
    });
  }
  return from;
}

/** What a Flink job's handle needs of its previews. */
export interface FlinkPreviewSource {
  /** The latest rows of a preview node, oldest first, at most its `limit`. */
  records(nodeId: string): unknown[];
  /** The run is over: reads the rows still in the topics, stops, and deletes the topics. */
  finish(): Promise<void>;
  /** The server lets go of the run (it goes on without it): stops reading, keeps the topics. */
  close(): Promise<void>;
}

interface PreviewRows {
  rows: RingBuffer<unknown>;
  /** `rows.toArray()` since the last change: the manager asks every second. */
  shown: unknown[] | undefined;
  malformed: number;
}

/**
 * The preview of a Flink run: follows each preview sink's topic from where the run began (at most
 * its `limit` newest rows: a server that re-attaches to a running job reads them again) and keeps
 * the latest `limit` rows, as an embedded job's `sink.collect` does. The job manager reads them
 * through the handle's `preview(nodeId)`, the same path as an embedded job's.
 * @example
 * const previews = new FlinkPreviews(plan.preview, await preparePreviewTopics(plan.preview), { isCurrent: () => true });
 * previews.records('out'); // [{ user_id: 4, … }, …]
 */
export class FlinkPreviews implements FlinkPreviewSource {
  private readonly buffers = new Map<string, PreviewRows>();
  private readonly tails: KafkaTopicTail[] = [];

  constructor(
    private readonly plan: FlinkPreviewPlan,
    from: Record<string, number>,
    private readonly o: {
      /** False once a newer run of the job owns the topics: this one must not delete them. */
      isCurrent: () => boolean;
      warn?: (msg: string, err: unknown) => void;
    },
  ) {
    for (const s of plan.sinks) {
      const b: PreviewRows = { rows: new RingBuffer(s.limit), shown: [], malformed: 0 };
      this.buffers.set(s.nodeId, b);
      let failing = false;
      const tail = new KafkaTopicTail(plan.brokers, s.topic, {
        keep: s.limit,
        from: new Map([[0, from[s.nodeId] ?? 0]]),
        onRecords: (_p, records) => {
          failing = false;
          this.add(b, s.nodeId, records);
        },
        // Once per outage, not every retry.
        onError: (err) => {
          if (!failing) o.warn?.(`could not read the preview topic ${s.topic}`, err);
          failing = true;
        },
      });
      this.tails.push(tail);
    }
  }

  records(nodeId: string): unknown[] {
    const b = this.buffers.get(nodeId);
    if (b === undefined) return [];
    b.shown ??= b.rows.toArray();
    return b.shown;
  }

  async finish(): Promise<void> {
    await Promise.all(this.tails.map((t) => t.caughtUp(DRAIN_MS)));
    await this.close();
    if (!this.o.isCurrent()) return;
    try {
      await deleteKafkaTopics(
        this.plan.brokers,
        this.plan.sinks.map((s) => s.topic),
        { timeoutMs: ADMIN_TIMEOUT_MS },
      );
    } catch (err) {
      this.o.warn?.(`could not delete the preview topics (${this.plan.sinks.map((s) => s.topic).join(', ')}); they expire on their own (retention 1 h)`, err);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.tails.map((t) => t.close()));
  }

  private add(b: PreviewRows, nodeId: string, records: FetchedRecord[]): void {
    for (const r of records) {
      if (r.value === null) continue;
      try {
        b.rows.push(JSON.parse(r.value.toString('utf8')));
      } catch (err) {
        // Flink's JSON format writes valid JSON; anything else on the topic is someone else's.
        if (b.malformed++ === 0) this.o.warn?.(`a record on the preview topic of ${nodeId} is not JSON; skipped`, err);
      }
    }
    b.shown = undefined;
  }
}
