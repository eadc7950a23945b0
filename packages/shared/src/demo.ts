import type { JobSpecInput } from './spec.schema.js';

/**
 * The pipeline the builder shows on first load and `npm start` runs: clickstream → purchases →
 * key by product → 10 s tumbling count → preview.
 */
export function demoSpec(): JobSpecInput {
  return {
    specVersion: 1,
    name: 'purchases-per-product',
    description: 'Counts purchases per product in 10-second event-time windows.',
    // Checkpoints on, so that the console's checkpoints panel and charts have something to show.
    config: { parallelism: 1, maxParallelism: 128, time: 'event', checkpoints: { intervalMs: 10_000, mode: 'exactly-once', retain: 3 } },
    nodes: [
      { id: 'clicks', kind: 'source.datagen', params: { profile: 'clickstream', seed: 42, ratePerSec: 2000, timestamp: 'ts', watermark: { maxOutOfOrderness: '5s' } } },
      { id: 'purchases', kind: 'filter', params: { expr: "event_type == 'purchase'" } },
      { id: 'byProduct', kind: 'keyBy', params: { key: 'product_id' } },
      { id: 'perWindow', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'sales' }, { fn: 'sum', field: 'price', as: 'revenue' }] } },
      { id: 'preview', kind: 'sink.collect', params: { limit: 100 } },
    ],
    edges: [
      { from: 'clicks', to: 'purchases' },
      { from: 'purchases', to: 'byProduct' },
      { from: 'byProduct', to: 'perWindow' },
      { from: 'perWindow', to: 'preview' },
    ],
    ui: {
      positions: {
        clicks: { x: 0, y: 80 },
        purchases: { x: 260, y: 80 },
        byProduct: { x: 520, y: 80 },
        perWindow: { x: 780, y: 80 },
        preview: { x: 1040, y: 80 },
      },
    },
  };
}
