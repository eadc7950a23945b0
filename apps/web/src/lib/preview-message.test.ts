import { describe, expect, it } from 'vitest';
import { previewEmptyMessage } from './preview-message';

describe('previewEmptyMessage', () => {
  it('says why a pipeline for Flink has no preview on a server without a Kafka cluster for previews, with or without a Preview sink', () => {
    for (const sinkCount of [0, 1]) {
      const text = previewEmptyMessage({ target: 'flink', sinkCount });
      expect(text).toMatch(/No preview for jobs on Flink/);
      expect(text).toMatch(/discards/);
      expect(text).toMatch(/FLINK_PREVIEW_BROKERS/);
      expect(text).not.toMatch(/appear here while the job runs/);
    }
  });

  it('promises records on Flink when the server reads Flink previews, as on the embedded engine', () => {
    expect(previewEmptyMessage({ target: 'flink', sinkCount: 1, flinkPreview: true })).toBe('Records reaching the preview sink appear here while the job runs.');
    expect(previewEmptyMessage({ target: 'flink', sinkCount: 0, flinkPreview: true })).toBe('Add a Preview sink to see records here.');
  });

  it('keeps the embedded texts', () => {
    expect(previewEmptyMessage({ target: 'embedded', sinkCount: 0 })).toBe('Add a Preview sink to see records here.');
    expect(previewEmptyMessage({ target: 'embedded', sinkCount: 2 })).toBe('Records reaching the preview sink appear here while the job runs.');
  });
});
