import type { JobTarget } from '@riffle/shared';

/** What the preview panel shows while it has no records. */
export interface PreviewEmptyInput {
  /** The pipeline's run target (`config.target`). */
  target: JobTarget;
  /** `sink.collect` nodes of the pipeline (or that the job reported records for). */
  sinkCount: number;
  /** The server reads Flink runs' Preview sinks (`flinkPreview` of `GET /api/capabilities`). */
  flinkPreview?: boolean;
}

/**
 * The preview panel's text when no record is there to show. On Flink a Preview sink writes to a
 * Kafka topic the server reads when the server has a Kafka cluster for previews
 * (`FLINK_PREVIEW_BROKERS`): then the texts are the embedded ones. Without it the Preview sink
 * compiles to a discarding (blackhole) table, and the text says why the preview stays empty
 * instead of promising records.
 * @example
 * previewEmptyMessage({ target: 'embedded', sinkCount: 0 }) // 'Add a Preview sink to see records here.'
 */
export function previewEmptyMessage(input: PreviewEmptyInput): string {
  if (input.target === 'flink' && !input.flinkPreview)
    return 'No preview for jobs on Flink on this server: a Preview sink there discards its records, since the server has no Kafka cluster for previews (FLINK_PREVIEW_BROKERS). Write to a Kafka topic or a file sink and read it there (a Kafka sink\u2019s inspector previews its topic\u2019s newest records).';
  return input.sinkCount === 0 ? 'Add a Preview sink to see records here.' : 'Records reaching the preview sink appear here while the job runs.';
}
