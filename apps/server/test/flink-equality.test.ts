// The proof of equality for the `flink` target (#10): the same job spec, on the same bounded
// NDJSON input, gives the same output rows on the embedded engine and — compiled to Flink SQL by
// src/flink/compiler — on a real Flink session cluster (scripts/flink/cluster.mjs). Rows are
// compared exactly, as sets (sorted); a difference is a bug in one of the two. The last case
// reads the same records from a real Kafka broker (scripts/kafka) on both engines.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '@riffle/engine';
import { TEMPLATES, type JobSpec } from '@riffle/shared';
import { startFlink, type FlinkCluster } from '../../../scripts/flink/cluster.mjs';
import { startKafka, type KafkaBroker } from '../../../scripts/kafka/broker.mjs';
import { postgresBinDir, startPostgres } from '../../../scripts/postgres/postgres.mjs';
import { KafkaKit } from '../../../packages/engine/test/kafka-kit.js';
import { compileToFlinkSql } from '../src/flink/compiler/index.js';
import { createPlanTables } from '../src/flink/flink-tables.js';
import { readJsonLines, runPlan, submitPlan } from './flink-gateway.js';
import { joinPipeline, linePipeline, ORDER_FIELDS, type Step } from './flink-specs.js';
import { removeDir, tempDir, waitFor } from './helpers.js';

let flink: FlinkCluster;
let broker: KafkaBroker;
let dir: string;
let topic: string;
/** Two topics whose names match `${patternBase}-.*`, holding the orders split by user. */
let patternBase: string;

/** A deterministic pseudo-random sequence (an LCG), so every run has the same input. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * 400 orders over ~4 minutes: four users, prices in quarters (exact in binary floating point, so
 * sums do not depend on the order of addition), timestamps 600 ms apart with up to 1.5 s of
 * disorder (inside the sources' 5 s bound: no record is late on either engine), and a 20 s pause
 * in the middle, so sessions split. Distinct timestamps: ties would leave order-dependent results.
 */
function orders(): Array<Record<string, unknown>> {
  const rnd = lcg(7);
  const users = ['ann', 'bob', 'cy', 'dee'];
  const base = Date.UTC(2026, 0, 1, 0, 0, 7);
  const seen = new Set<number>();
  const unique = (t: number): number => {
    while (seen.has(t)) t++;
    seen.add(t);
    return t;
  };
  return Array.from({ length: 400 }, (_, i) => ({
    user: users[Math.floor(rnd() * users.length)]!,
    item: 1 + Math.floor(rnd() * 5),
    qty: 1 + Math.floor(rnd() * 5),
    price: Math.floor(rnd() * 200) / 4,
    ts: unique(base + i * 600 + (i >= 200 ? 20_000 : 0) + Math.floor(rnd() * 599) - (i % 3 === 0 ? 1500 : 0)),
  }));
}

const canonical = (row: Record<string, unknown>) => JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));
const sorted = (rows: Array<Record<string, unknown>>) => rows.map(canonical).sort();

beforeAll(async () => {
  dir = await tempDir('riffle-flink-eq-');
  const rows = orders();
  await writeFile(join(dir, 'orders.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const inOrder = [...rows].sort((a, b) => (a.ts as number) - (b.ts as number));
  await writeFile(join(dir, 'orders-in-order.ndjson'), inOrder.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const shift = Date.UTC(2040, 0, 1) - Date.UTC(2026, 0, 1);
  await writeFile(join(dir, 'orders-2040.ndjson'), rows.map((r) => JSON.stringify({ ...r, ts: (r.ts as number) + shift })).join('\n') + '\n');
  [flink, broker] = await Promise.all([startFlink({ quiet: true }), startKafka({ quiet: true })]);
  // One partition: both engines then see the records in the file's order. The records' timestamps
  // are in the past beyond the broker's default 7-day retention, which would delete them.
  const kit = new KafkaKit(broker.brokers);
  topic = await kit.createTopic(1, { 'retention.ms': '-1' });
  await kit.produce(topic, rows.map((r) => ({ value: JSON.stringify(r), timestamp: String(r.ts) })));
  patternBase = `orders-${topic}`;
  for (const [suffix, keep] of [['a', (u: unknown) => u === 'ann'], ['b', (u: unknown) => u !== 'ann']] as const) {
    const t = await kit.createTopic(1, { 'retention.ms': '-1' }, `${patternBase}-${suffix}`);
    await kit.produce(t, rows.filter((r) => keep(r.user)).map((r) => ({ value: JSON.stringify(r), timestamp: String(r.ts) })));
  }
  await kit.close();
}, 240_000);

afterAll(async () => {
  await flink?.stop();
  await broker?.stop();
  if (dir !== undefined) await removeDir(dir);
});

/** Runs `spec(output folder)` on both engines (output `<name>-riffle` and `<name>-flink`); returns both outputs, sorted by `order`. */
async function runOnBoth(name: string, spec: (output: string) => JobSpec, order: (rows: Array<Record<string, unknown>>) => string[]): Promise<{ riffle: string[]; flink: string[] }> {
  const job = await Engine.start(spec(`${name}-riffle`), { baseDir: dir });
  const result = await job.done;
  expect(result.status, JSON.stringify(result.error)).toBe('finished');
  const compiled = compileToFlinkSql(spec(`${name}-flink`), { jobName: name, baseDir: dir });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  await runPlan(flink, compiled.plan);
  return { riffle: order(await readJsonLines(join(dir, `${name}-riffle`))), flink: order(await readJsonLines(join(dir, `${name}-flink`))) };
}

/** Runs `steps` between the orders source and a file sink on both engines; returns both outputs. */
async function bothEngines(name: string, steps: Step[], input = 'orders.ndjson', source?: Step): Promise<{ riffle: string[]; flink: string[] }> {
  return runOnBoth(name, (output) => linePipeline(name, steps, { input, output, ...(source !== undefined ? { source } : {}) }), sorted);
}

const AGGREGATES = [
  { fn: 'count', as: 'n' },
  { fn: 'sum', field: 'qty', as: 'qty_sum' },
  { fn: 'min', field: 'price', as: 'lo' },
  { fn: 'max', field: 'price', as: 'hi' },
  { fn: 'avg', field: 'price', as: 'avg_price' },
];
const byUser: Step = { id: 'byUser', kind: 'keyBy', params: { key: 'user' } };

// Each case runs a job on each engine; a Flink job takes several seconds to schedule on a loaded machine.
describe('the same spec on the embedded engine and on Flink gives the same rows', { timeout: 180_000 }, () => {
  it('filter + map', async () => {
    const { riffle, flink: f } = await bothEngines('filter-map', [
      { id: 'some', kind: 'filter', params: { expr: "qty >= 2 && user != 'cy' && price < 40.0" } },
      { id: 'enrich', kind: 'map', params: { fields: [{ as: 'who', expr: "'u-' + user" }, { as: 'total', expr: 'double(qty) * price' }, { as: 'bulk', expr: 'qty > 3' }, { as: 'ts', expr: 'ts' }] } },
    ]);
    expect(riffle.length).toBeGreaterThan(50);
    expect(f).toEqual(riffle);
  });

  // name, window node, fewest rows expected (so an empty output cannot pass).
  const windows: Array<[string, Step, number]> = [
    ['tumbling', { id: 'perMinute', kind: 'window.tumbling', params: { size: '1m', aggregate: AGGREGATES } }, 10],
    ['sliding', { id: 'last30s', kind: 'window.sliding', params: { size: '30s', slide: '10s', aggregate: AGGREGATES } }, 50],
    ['session', { id: 'visits', kind: 'window.session', params: { gap: '3s', aggregate: AGGREGATES } }, 20],
  ];
  it.each(windows)('%s window per key: count, sum, min, max, avg', async (name, window, atLeast) => {
    const { riffle, flink: f } = await bothEngines(name, [byUser, window]);
    expect(riffle.length).toBeGreaterThan(atLeast);
    expect(f).toEqual(riffle);
  });

  // first/last by event time and top_n (whole records, ties on qty broken by time) on out-of-order input.
  const PICKS = [
    { fn: 'count', as: 'n' },
    { fn: 'first', field: 'item', as: 'first_item' },
    { fn: 'last', field: 'price', as: 'last_price' },
    { fn: 'top_n', field: 'qty', n: 3, as: 'top3' },
  ];
  it.each(windows)('%s window per key: first, last and top_n', async (name, window, atLeast) => {
    const { riffle, flink: f } = await runOnBoth(`${name}-picks`, (output) => linePipeline(name, [byUser, { ...window, params: { ...window.params, aggregate: PICKS } }], { input: 'orders.ndjson', output }), deepSorted);
    expect(riffle.length).toBeGreaterThan(atLeast);
    // Some windows rank more records than they keep, so the cut is tested.
    expect(riffle.some((r) => (JSON.parse(r) as { n: number }).n > 3)).toBe(true);
    expect(f).toEqual(riffle);
  });

  it('first, last and top_n at parallelism 2 (each key’s ranked records reach its aggregating subtask in rank order)', async () => {
    const window: Step = { id: 'perMinute', kind: 'window.tumbling', params: { size: '1m', aggregate: PICKS } };
    const { riffle, flink: f } = await runOnBoth('picks-p2', (output) => linePipeline('picks-p2', [byUser, window], { input: 'orders.ndjson', output, config: { parallelism: 2 } }), deepSorted);
    expect(riffle.length).toBeGreaterThan(10);
    expect(f).toEqual(riffle);
  });

  it('windows after 2038 (epoch seconds beyond a 32-bit int)', async () => {
    const { riffle, flink: f } = await bothEngines('after-2038', [byUser, { id: 'perMinute', kind: 'window.sliding', params: { size: '1m', slide: '30s', aggregate: AGGREGATES } }], 'orders-2040.ndjson');
    expect(riffle.length).toBeGreaterThan(10);
    expect(f).toEqual(riffle);
  });

  it('unkeyed tumbling window with having', async () => {
    const { riffle, flink: f } = await bothEngines('global-having', [
      { id: 'perHalfMinute', kind: 'window.tumbling', params: { size: '30s', having: 'n > 40', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'count_distinct', field: 'item', as: 'items' }] } },
    ]);
    expect(riffle.length).toBeGreaterThan(2);
    expect(f).toEqual(riffle);
  });

  it('keyed running aggregate (reduce) on input in event-time order', async () => {
    const { riffle, flink: f } = await bothEngines(
      'reduce',
      [byUser, { id: 'running', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'qty', as: 'qty_sum' }, { fn: 'max', field: 'price', as: 'hi' }, { fn: 'first', field: 'item', as: 'first_item' }, { fn: 'last', field: 'price', as: 'last_price' }] } }],
      'orders-in-order.ndjson',
    );
    expect(riffle).toHaveLength(400);
    expect(f).toEqual(riffle);
  });

  it('count window (window.global) per key on input in event-time order: a result per 7 records, remainders never fire', async () => {
    const { riffle, flink: f } = await bothEngines(
      'count-window',
      [byUser, { id: 'every7', kind: 'window.global', params: { trigger: { count: 7 }, aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'qty', as: 'qty_sum' }, { fn: 'last', field: 'item', as: 'last_item' }] } }],
      'orders-in-order.ndjson',
    );
    // 400 orders over four users: fewer than 400 / 7 results, each of exactly 7.
    expect(riffle.length).toBeGreaterThan(50);
    expect(riffle.every((r) => (Object.fromEntries(JSON.parse(r) as Array<[string, unknown]>) as { n: number }).n === 7)).toBe(true);
    expect(f).toEqual(riffle);
  });

  it('Kafka input: tumbling window per key over a topic (bounded read)', async () => {
    const source: Step = {
      id: 'src',
      kind: 'source.kafka',
      params: { brokers: broker.brokers, topic, startFrom: 'earliest', bounded: true, fields: ORDER_FIELDS, timestamp: 'ts', watermark: { maxOutOfOrderness: '5s' } },
    };
    const { riffle, flink: f } = await bothEngines('kafka-tumbling', [byUser, { id: 'perMinute', kind: 'window.tumbling', params: { size: '1m', aggregate: AGGREGATES } }], undefined, source);
    expect(riffle.length).toBeGreaterThan(10);
    expect(f).toEqual(riffle);
  });

  it('Kafka input from a topic pattern (two matching topics): tumbling window per key', async () => {
    const source: Step = {
      id: 'src',
      kind: 'source.kafka',
      params: { brokers: broker.brokers, topicPattern: `${patternBase}-[ab]`, startFrom: 'earliest', bounded: true, fields: ORDER_FIELDS, timestamp: 'ts', watermark: { maxOutOfOrderness: '5s' } },
    };
    const { riffle, flink: f } = await bothEngines('kafka-pattern', [byUser, { id: 'perMinute', kind: 'window.tumbling', params: { size: '1m', aggregate: AGGREGATES } }], undefined, source);
    expect(riffle.length).toBeGreaterThan(10);
    expect(f).toEqual(riffle);
  });

  it('generated per-key sequences (datagen profile sequence): tumbling window per key', async () => {
    const source: Step = { id: 'src', kind: 'source.datagen', params: { profile: 'sequence', keys: 7, count: 2000, ratePerSec: 1000, startTime: Date.UTC(2026, 0, 1) } };
    const { riffle, flink: f } = await bothEngines(
      'sequence',
      [{ id: 'byKey', kind: 'keyBy', params: { key: 'key' } }, { id: 'per100ms', kind: 'window.tumbling', params: { size: '100ms', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'min', field: 'seq', as: 'first' }, { fn: 'max', field: 'seq', as: 'last' }] } }],
      undefined,
      source,
    );
    expect(riffle.length).toBeGreaterThan(100);
    expect(f).toEqual(riffle);
  });

  it('over aggregation per key (RANGE 10 s) on out-of-order input', async () => {
    const over: Step = { id: 'last10s', kind: 'over', params: { range: '10s', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'qty', as: 'qty_sum' }, { fn: 'max', field: 'price', as: 'hi' }] } };
    const { riffle, flink: f } = await bothEngines('over', [byUser, over]);
    expect(riffle).toHaveLength(400);
    expect(f).toEqual(riffle);
  });

  it('Kafka exactly-once sink on Flink (keyed messages): a read_committed consumer sees exactly the rows Riffle writes', async () => {
    const steps: Step[] = [{ id: 'some', kind: 'filter', params: { expr: 'qty >= 3' } }];
    const riffleJob = await Engine.start(linePipeline('eos', steps, { input: 'orders.ndjson', output: 'eos-riffle' }), { baseDir: dir });
    expect((await riffleJob.done).status).toBe('finished');
    const kit = new KafkaKit(broker.brokers);
    try {
      const out = await kit.createTopic(1);
      const sink: Step = { id: 'out', kind: 'sink.kafka', params: { brokers: broker.brokers, topic: out, key: 'user', delivery: 'exactly-once', transactionTimeout: '10m' } };
      // Flink's Kafka sink commits its transactions on checkpoints (the last one when the input ends).
      const spec = linePipeline('eos', steps, { input: 'orders.ndjson', sink, config: { parallelism: 1, checkpoints: { intervalMs: 1000 } } });
      const compiled = compileToFlinkSql(spec, { jobName: 'eos', baseDir: dir });
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
      await runPlan(flink, compiled.plan);
      const riffle = sorted(await readJsonLines(join(dir, 'eos-riffle')));
      const messages = await kit.readAll(out, { expect: riffle.length });
      expect(riffle.length).toBeGreaterThan(100);
      const values = messages.map((m) => JSON.parse(m.value!.toString()) as Record<string, unknown>);
      expect(sorted(values)).toEqual(riffle);
      // The key expression (user) is the message key, as Riffle's Kafka sink writes it.
      expect(messages.map((m) => m.key?.toString())).toEqual(values.map((v) => v.user));
    } finally {
      await kit.close();
    }
  });
  it('PostgreSQL upsert sink: Flink’s JDBC connector leaves the same rows as Riffle’s sink', async () => {
    const pg = await startPostgres({ quiet: true });
    try {
      const psql = (sql: string) => execFileSync(join(postgresBinDir(), 'psql'), [pg.connectionString, '-At', '-c', sql], { encoding: 'utf8' });
      const columns = 'key, window_start, window_end, n, qty_sum, lo, hi, avg_price';
      for (const t of ['riffle_out', 'flink_out'])
        psql(`CREATE TABLE ${t} (key text, window_start bigint, window_end bigint, n bigint, qty_sum bigint, lo double precision, hi double precision, avg_price double precision, PRIMARY KEY (key, window_start))`);
      const steps: Step[] = [byUser, { id: 'perMinute', kind: 'window.tumbling', params: { size: '1m', aggregate: AGGREGATES } }];
      const sink = (table: string): Step => ({ id: 'out', kind: 'sink.postgres', params: { connectionString: pg.connectionString, table, mode: 'upsert', keyColumns: ['key', 'window_start'], createTable: false } });
      const job = await Engine.start(linePipeline('pg', steps, { input: 'orders.ndjson', sink: sink('riffle_out') }), { baseDir: dir });
      expect((await job.done).status).toBe('finished');
      const compiled = compileToFlinkSql(linePipeline('pg', steps, { input: 'orders.ndjson', sink: sink('flink_out') }), { jobName: 'pg', baseDir: dir });
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
      await runPlan(flink, compiled.plan);
      const riffle = psql(`SELECT ${columns} FROM riffle_out ORDER BY key, window_start`);
      expect(riffle.trim().split('\n').length).toBeGreaterThan(10);
      expect(psql(`SELECT ${columns} FROM flink_out ORDER BY key, window_start`)).toBe(riffle);
    } finally {
      await pg.stop();
    }
  });

  it('PostgreSQL createTable: the server makes the table Flink writes to as Riffle’s sink makes its own (columns, types, key), and the rows agree', async () => {
    const pg = await startPostgres({ quiet: true });
    try {
      const psql = (sql: string) => execFileSync(join(postgresBinDir(), 'psql'), [pg.connectionString, '-At', '-c', sql], { encoding: 'utf8' });
      const steps: Step[] = [byUser, { id: 'perMinute', kind: 'window.tumbling', params: { size: '1m', aggregate: AGGREGATES } }];
      const spec = (table: string) => linePipeline('pg-create', steps, { input: 'orders.ndjson', sink: { id: 'out', kind: 'sink.postgres', params: { connectionString: pg.connectionString, table, mode: 'upsert', keyColumns: ['key', 'window_start'], createTable: true } } });
      const job = await Engine.start(spec('riffle_made'), { baseDir: dir });
      expect((await job.done).status).toBe('finished');
      const compiled = compileToFlinkSql(spec('flink_made'), { jobName: 'pg-create', baseDir: dir });
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
      // What the flink target does before each submit.
      await createPlanTables(spec('flink_made'), compiled.plan);
      await runPlan(flink, compiled.plan);
      const shape = (t: string) =>
        psql(`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`) +
        psql(`SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '${t}'::regclass AND i.indisprimary`);
      expect(shape('riffle_made')).toContain('window_start|bigint|NO');
      expect(shape('flink_made')).toBe(shape('riffle_made'));
      const rows = (t: string) => psql(`SELECT key, window_start, window_end, n, qty_sum, lo, hi, avg_price FROM ${t} ORDER BY key, window_start`);
      expect(rows('riffle_made').trim().split('\n').length).toBeGreaterThan(10);
      expect(rows('flink_made')).toBe(rows('riffle_made'));
    } finally {
      await pg.stop();
    }
  });
});

/**
 * 150 payments derived from the orders: each near an order of the same user, a third of them
 * exactly on or 1 ms past an interval join's bounds (before 2 s, after 1 s), so both engines must
 * agree on which ends are inclusive. Written in time order (no record is late).
 */
function payments(): Array<Record<string, unknown>> {
  const rnd = lcg(11);
  const all = orders();
  const offsets = [-2000, -2001, 1000, 1001];
  return Array.from({ length: 150 }, (_, i) => {
    const o = all[Math.floor(rnd() * all.length)]!;
    const offset = i % 3 === 0 ? offsets[Math.floor(rnd() * offsets.length)]! : Math.floor(rnd() * 6000) - 3000;
    return { user: o.user, amount: Math.floor(rnd() * 400) / 4, ts: (o.ts as number) + offset };
  }).sort((a, b) => a.ts - b.ts);
}

/** Rows with every object's keys sorted, nested ones too (a join's left and right). */
const deepSorted = (rows: Array<Record<string, unknown>>) => rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))).sort();

describe('joins: the same two inputs joined on the embedded engine and on Flink give the same rows', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    const all = payments();
    await writeFile(join(dir, 'payments.ndjson'), all.map((r) => JSON.stringify(r)).join('\n') + '\n');
    // A regular join pairs every order with every payment of its user: a few payments keep it small.
    await writeFile(join(dir, 'payments-few.ndjson'), all.filter((_, i) => i % 10 === 0).map((r) => JSON.stringify(r)).join('\n') + '\n');
  });

  /** orders (left) and payments (right), each keyed by user, into `joinStep`, then `after`, into a file sink, on both engines. */
  function bothEnginesJoined(name: string, joinStep: Step, after: Step[] = [], right = 'payments.ndjson'): Promise<{ riffle: string[]; flink: string[] }> {
    return runOnBoth(name, (output) => joinPipeline(name, joinStep, { left: 'orders.ndjson', right, after, output }), deepSorted);
  }

  it('regular join (no ttl): every order paired with every payment of its user', async () => {
    const { riffle, flink: f } = await bothEnginesJoined('regular-join', { id: 'j', kind: 'join.regular' }, [], 'payments-few.ndjson');
    // 400 orders over 4 users, 15 payments: about 1,500 pairs.
    expect(riffle.length).toBeGreaterThan(1000);
    expect(f).toEqual(riffle);
  });

  it('window join (1 min tumbling): every pair of a key and window, with window bounds and nested left/right', async () => {
    const { riffle, flink: f } = await bothEnginesJoined('window-join', { id: 'j', kind: 'join.window', params: { size: '1m' } });
    expect(riffle.length).toBeGreaterThan(200);
    expect(JSON.parse(riffle[0]!)).toEqual(expect.objectContaining({ key: expect.any(String), window_start: expect.any(Number), left: expect.objectContaining({ item: expect.any(Number) }), right: expect.objectContaining({ amount: expect.any(Number) }) }));
    expect(f).toEqual(riffle);
  });

  it('interval join (right within [left − 2 s, left + 1 s], both ends inclusive)', async () => {
    const { riffle, flink: f } = await bothEnginesJoined('interval-join', { id: 'j', kind: 'join.interval', params: { before: '2s', after: '1s' } });
    expect(riffle.length).toBeGreaterThan(100);
    // Pairs exactly on both bounds are in, so the inclusivity is compared too.
    const gaps = new Set(riffle.map((r) => JSON.parse(r) as { left: { ts: number }; right: { ts: number } }).map((r) => r.right.ts - r.left.ts));
    expect(gaps.has(-2000) && gaps.has(1000)).toBe(true);
    expect(gaps.has(-2001) || gaps.has(1001)).toBe(false);
    expect(f).toEqual(riffle);
  });

  it("filter and map reading the sides' fields after an interval join (left.qty, right.amount)", async () => {
    const { riffle, flink: f } = await bothEnginesJoined('join-fields', { id: 'j', kind: 'join.interval', params: { before: '2s', after: '1s' } }, [
      { id: 'bulk', kind: 'filter', params: { expr: 'left.qty >= 2' } },
      { id: 'm', kind: 'map', params: { fields: [{ as: 'user', expr: 'key' }, { as: 'spent', expr: 'left.price * double(left.qty)' }, { as: 'paid', expr: "right['amount']" }, { as: 'gap', expr: 'right.ts - left.ts' }] } },
    ]);
    expect(riffle.length).toBeGreaterThan(50);
    expect(Object.keys(JSON.parse(riffle[0]!) as object)).toEqual(['gap', 'paid', 'spent', 'user']);
    expect(f).toEqual(riffle);
  });

  it('a tumbling window per key after a window join (its pairs carry the window’s last millisecond as event time)', async () => {
    const { riffle, flink: f } = await bothEnginesJoined('window-join-window', { id: 'j', kind: 'join.window', params: { size: '1m' } }, [
      { id: 'byKey', kind: 'keyBy', params: { key: 'key' } },
      { id: 'perTwo', kind: 'window.tumbling', params: { size: '2m', aggregate: [{ fn: 'count', as: 'pairs' }] } },
    ]);
    expect(riffle.length).toBeGreaterThan(4);
    expect(f).toEqual(riffle);
  });
});

describe('runs on Flink (random or endless input: nothing to compare row by row)', { timeout: 180_000 }, () => {
  it('datagen: the clickstream fields in their ranges, the count, event time on the schedule', async () => {
    const start = Date.UTC(2026, 0, 1);
    const source: Step = { id: 'src', kind: 'source.datagen', params: { count: 300, ratePerSec: 1000, startTime: start, watermark: { maxOutOfOrderness: '5s' } } };
    const compiled = compileToFlinkSql(linePipeline('datagen', [], { source, output: 'datagen-flink' }), { jobName: 'datagen', baseDir: dir });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    await runPlan(flink, compiled.plan);
    const rows = await readJsonLines(join(dir, 'datagen-flink'));
    expect(rows).toHaveLength(300);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['event_type', 'price', 'product_id', 'ts', 'user_id']);
      expect(r.user_id).toBeGreaterThanOrEqual(1);
      expect(r.user_id).toBeLessThanOrEqual(1000);
      expect(r.product_id).toBeGreaterThanOrEqual(1);
      expect(r.product_id).toBeLessThanOrEqual(100);
      expect(['view', 'click', 'purchase']).toContain(r.event_type);
      // Record i is due at start + i ms (1000/s), minus up to 3 s of jitter.
      expect(r.ts).toBeGreaterThan(start - 3000);
      expect(r.ts).toBeLessThan(start + 300);
    }
  });

  /** Submits a compiled spec, waits until its source has written `atLeast` records while the job runs, then cancels it. */
  async function keepsRunning(spec: JobSpec, atLeast: number): Promise<void> {
    const compiled = compileToFlinkSql(spec, { jobName: spec.name });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    const jobId = await submitPlan(flink, compiled.plan);
    try {
      // The source vertex reports the records it wrote downstream.
      await waitFor(async () => {
        const job = (await (await fetch(`${flink.restUrl}/jobs/${jobId}`)).json()) as { state: string; vertices: Array<{ metrics: { 'write-records': number } }> };
        if (job.state === 'FAILED' || job.state === 'FINISHED') {
          const ex = JSON.stringify(await (await fetch(`${flink.restUrl}/jobs/${jobId}/exceptions`)).json());
          throw new Error(`the job ${job.state.toLowerCase()}: ${ex.match(/Caused by: [^\\]*(\\n\\tat [^\\]*){0,4}/g)?.slice(-1).join('') ?? ex.slice(0, 1500)}`);
        }
        return job.state === 'RUNNING' && job.vertices[0]!.metrics['write-records'] >= atLeast;
      }, `${spec.name} to run on Flink`, 120_000);
    } finally {
      await fetch(`${flink.restUrl}/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
    }
  }

  it('an unbounded datagen (no count) runs and keeps producing until cancelled', async () => {
    const source: Step = { id: 'src', kind: 'source.datagen', params: { ratePerSec: 200, startTime: Date.UTC(2026, 0, 1) } };
    const steps: Step[] = [{ id: 'views', kind: 'filter', params: { expr: "event_type == 'view'" } }];
    await keepsRunning(linePipeline('endless', steps, { source, sink: { id: 'preview', kind: 'sink.collect' } }), 400);
  });

  // The templates whose every node compiles (the others use top_n, first, or a created table).
  it.each(['demo', 'fraud-detection'])('the %s template runs on Flink', async (id) => {
    const template = TEMPLATES.find((t) => t.id === id)!;
    await keepsRunning(template.spec() as JobSpec, 400);
  });
});
