import type { JobTarget } from '@riffle/shared';

/** What the preview panel shows while it has no records. */
export interface PreviewEmptyInput {
  /** The pipeline's run target (`config.target`). */
  target: JobTarget;
  /** `sink.collect` nodes of the pipeline (or that the job reported records for). */
  sinkCount: number;
}

/**
 * The preview panel's text when no record is there to show. A pipeline for Flink gets the reason
 * its preview stays empty instead of a promise of records: on Flink a Preview sink compiles to a
 * discarding (blackhole) table, since Flink's sinks write to their own systems and the server
 * receives no records from the cluster.
 * @example
 * previewEmptyMessage({ target: 'embedded', sinkCount: 0 }) // 'Add a Preview sink to see records here.'
 */
export function previewEmptyMessage(input: PreviewEmptyInput): string {
  if (input.target === 'flink')
    return 'No preview for jobs on Flink: there a Preview sink discards its records, because the cluster sends none to Riffle. Write to a Kafka topic or a file sink and read it there (a Kafka sink\u2019s inspector previews its topic\u2019s newest records).';
  return input.sinkCount === 0 ? 'Add a Preview sink to see records here.' : 'Records reaching the preview sink appear here while the job runs.';
}
