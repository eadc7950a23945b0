import { CLICKSTREAM_SCHEMA } from './catalog/sources.js';
import { demoSpec } from './demo.js';
import type { JobSpecInput } from './spec.schema.js';

/** A ready-made pipeline for the builder's template gallery. */
export interface Template {
  id: string;
  title: string;
  description: string;
  spec: () => JobSpecInput;
}

const clicks = (ratePerSec: number) => ({
  id: 'clicks',
  kind: 'source.datagen',
  params: { profile: 'clickstream', seed: 42, ratePerSec, timestamp: 'ts', watermark: { maxOutOfOrderness: '5s' } },
});
const purchases = { id: 'purchases', kind: 'filter', params: { expr: "event_type == 'purchase'" } };
const row = (ids: string[], y = 80, x0 = 0) => Object.fromEntries(ids.map((id, i) => [id, { x: x0 + i * 260, y }]));

function trendingProducts(): JobSpecInput {
  return {
    specVersion: 1,
    name: 'trending-products',
    description: 'The five best-selling products of the last minute, updated every 10 seconds.',
    nodes: [
      clicks(2000),
      purchases,
      { id: 'byProduct', kind: 'keyBy', params: { key: 'product_id' } },
      { id: 'salesPerMinute', kind: 'window.sliding', params: { size: '1m', slide: '10s', aggregate: [{ fn: 'count', as: 'sales' }] } },
      { id: 'byWindow', kind: 'keyBy', params: { key: 'window_end' } },
      { id: 'top5', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'top_n', field: 'sales', n: 5, as: 'top' }] } },
      { id: 'trending', kind: 'sink.collect', params: { limit: 50 } },
    ],
    edges: [
      { from: 'clicks', to: 'purchases' },
      { from: 'purchases', to: 'byProduct' },
      { from: 'byProduct', to: 'salesPerMinute' },
      { from: 'salesPerMinute', to: 'byWindow' },
      { from: 'byWindow', to: 'top5' },
      { from: 'top5', to: 'trending' },
    ],
    ui: { positions: row(['clicks', 'purchases', 'byProduct', 'salesPerMinute', 'byWindow', 'top5', 'trending']) },
  };
}

function fraudDetection(): JobSpecInput {
  return {
    specVersion: 1,
    name: 'fraud-detection',
    description: 'Flags users with more than 3 purchases in a minute, and purchases above three times the user’s running average price.',
    nodes: [
      clicks(2000),
      purchases,
      { id: 'byUser', kind: 'keyBy', params: { key: 'user_id' } },
      { id: 'burst', kind: 'window.tumbling', params: { size: '1m', aggregate: [{ fn: 'count', as: 'purchases' }, { fn: 'sum', field: 'price', as: 'spent' }], having: 'purchases > 3' } },
      { id: 'burstAlerts', kind: 'sink.collect', params: { limit: 100 } },
      { id: 'runningAvg', kind: 'over', params: { range: '1h', aggregate: [{ fn: 'avg', field: 'price', as: 'avg_price' }, { fn: 'count', as: 'seen' }] } },
      { id: 'outlier', kind: 'filter', params: { expr: 'seen > 2 && price > 3.0 * avg_price' } },
      { id: 'priceAlerts', kind: 'sink.collect', params: { limit: 100 } },
    ],
    edges: [
      { from: 'clicks', to: 'purchases' },
      { from: 'purchases', to: 'byUser' },
      { from: 'byUser', to: 'burst' },
      { from: 'burst', to: 'burstAlerts' },
      { from: 'byUser', to: 'runningAvg' },
      { from: 'runningAvg', to: 'outlier' },
      { from: 'outlier', to: 'priceAlerts' },
    ],
    ui: {
      positions: { ...row(['clicks', 'purchases', 'byUser'], 160), ...row(['burst', 'burstAlerts'], 40, 780), ...row(['runningAvg', 'outlier', 'priceAlerts'], 280, 780) },
    },
  };
}

function userSessions(): JobSpecInput {
  return {
    specVersion: 1,
    name: 'user-sessions',
    description: 'Sessions per user (no activity for 10 s ends one) with page views and duration.',
    nodes: [
      clicks(200),
      { id: 'byUser', kind: 'keyBy', params: { key: 'user_id' } },
      {
        id: 'sessions',
        kind: 'window.session',
        params: {
          gap: '10s',
          aggregate: [
            { fn: 'count', as: 'events' },
            { fn: 'first', field: 'ts', as: 'first_ts' },
            { fn: 'last', field: 'ts', as: 'last_ts' },
          ],
        },
      },
      { id: 'duration', kind: 'map', params: { keepInput: true, fields: [{ as: 'duration_ms', expr: 'last_ts - first_ts' }] } },
      { id: 'preview', kind: 'sink.collect', params: { limit: 100 } },
    ],
    edges: [
      { from: 'clicks', to: 'byUser' },
      { from: 'byUser', to: 'sessions' },
      { from: 'sessions', to: 'duration' },
      { from: 'duration', to: 'preview' },
    ],
    ui: { positions: row(['clicks', 'byUser', 'sessions', 'duration', 'preview']) },
  };
}

/**
 * Kafka in, Kafka and PostgreSQL out, exactly once: a clickstream topic (JSON records shaped like
 * the generator's) → purchases per product per minute → a Kafka topic (transactions per
 * checkpoint) and an upserted PostgreSQL table (idempotent after a restore). Brokers and the
 * connection string point at a local Kafka and PostgreSQL; change them in the inspector.
 */
function kafkaTrending(): JobSpecInput {
  return {
    specVersion: 1,
    name: 'kafka-trending-products',
    description: 'Kafka clickstream → purchases per product per minute → Kafka (exactly-once) and PostgreSQL (upsert).',
    config: { checkpoints: { intervalMs: 10_000, mode: 'exactly-once', retain: 3 }, restart: { strategy: 'exponential-backoff', attempts: 10, delayMs: 1000 } },
    nodes: [
      {
        id: 'clicks',
        kind: 'source.kafka',
        params: {
          brokers: ['localhost:9092'],
          topic: 'clickstream',
          groupId: 'riffle-trending',
          format: 'json',
          startFrom: 'earliest',
          fields: CLICKSTREAM_SCHEMA.fields.map((f) => ({ name: f.name, type: f.type })),
          timestamp: 'ts',
          watermark: { maxOutOfOrderness: '5s', idleTimeout: '30s' },
        },
      },
      purchases,
      { id: 'byProduct', kind: 'keyBy', params: { key: 'product_id' } },
      { id: 'perMinute', kind: 'window.tumbling', params: { size: '1m', aggregate: [{ fn: 'count', as: 'sales' }, { fn: 'sum', field: 'price', as: 'revenue' }] } },
      { id: 'toKafka', kind: 'sink.kafka', params: { brokers: ['localhost:9092'], topic: 'trending-products', key: 'string(key)', format: 'json', delivery: 'exactly-once' } },
      {
        id: 'toPostgres',
        kind: 'sink.postgres',
        params: { connectionString: 'postgres://postgres@localhost:5432/postgres', table: 'trending_products', keyColumns: ['key', 'window_start'], mode: 'upsert', createTable: true },
      },
    ],
    edges: [
      { from: 'clicks', to: 'purchases' },
      { from: 'purchases', to: 'byProduct' },
      { from: 'byProduct', to: 'perMinute' },
      { from: 'perMinute', to: 'toKafka' },
      { from: 'perMinute', to: 'toPostgres' },
    ],
    ui: { positions: { ...row(['clicks', 'purchases', 'byProduct', 'perMinute'], 160), ...row(['toKafka'], 40, 1040), ...row(['toPostgres'], 280, 1040) } },
  };
}

/** The template gallery, in display order. */
export const TEMPLATES: readonly Template[] = [
  { id: 'demo', title: 'Purchases per product', description: 'Counts purchases per product in 10-second windows.', spec: demoSpec },
  { id: 'trending-products', title: 'Trending products', description: 'Sliding one-minute sales per product, top 5 every 10 seconds.', spec: trendingProducts },
  { id: 'fraud-detection', title: 'Fraud detection', description: 'Purchase bursts per user (having) and prices far above the user’s running average (over).', spec: fraudDetection },
  { id: 'user-sessions', title: 'User sessions', description: 'Session windows per user with event count and duration.', spec: userSessions },
  {
    id: 'kafka-trending-products',
    title: 'Kafka → trending products → Kafka and PostgreSQL',
    description: 'Purchases per product per minute from a Kafka clickstream, exactly once into a Kafka topic and an upserted table.',
    spec: kafkaTrending,
  },
];
