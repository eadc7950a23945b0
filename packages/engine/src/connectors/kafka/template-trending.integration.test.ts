// The "Kafka clickstream → trending products → Kafka and PostgreSQL" template as a user runs it,
// against the real test broker and a real PostgreSQL server (this file's own): a known clickstream
// (the generator's records, as JSON) goes into the input topic; the read_committed output topic
// and the upserted table must both hold exactly the purchases per product per minute computed
// offline, each window result once.
import pg from 'pg';
import { TEMPLATES, type JobSpecInput } from '@riffle/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../../../scripts/postgres/postgres.mjs';
import '../../../test/services/provided.js';
import { tempDir } from '../../../test/helpers.js';
import { KafkaKit, uniq } from '../../../test/kafka-kit.js';
import { clickEvent } from '../../datagen/clickstream.js';
import { Engine } from '../../engine.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);
let postgres: PostgresServer;
let db: pg.Client;

beforeAll(async () => {
  await kit.admin.connect();
  postgres = await startPostgres({ quiet: true });
  db = new pg.Client({ connectionString: postgres.connectionString });
  await db.connect();
}, 120_000);

afterAll(async () => {
  await db?.end().catch(() => {});
  await postgres?.stop();
  await kit.close();
});

const SEED = 7;
const N = 8000;
/** Generator rate: N records span 200 s of event time, so about four one-minute windows close. */
const RATE = 40;
const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

/** "product@window_start" → {sales, revenue}, as the template should count them. */
function offline(): Map<string, { sales: number; revenue: number }> {
  const out = new Map<string, { sales: number; revenue: number }>();
  for (let i = 0; i < N; i++) {
    const e = clickEvent(SEED, i, RATE, START);
    if (e.event_type !== 'purchase') continue;
    const k = `${e.product_id}@${e.ts - (e.ts % MINUTE)}`;
    const acc = out.get(k) ?? { sales: 0, revenue: 0 };
    acc.sales++;
    acc.revenue += e.price;
    out.set(k, acc);
  }
  return out;
}

type Result = { key: string; sales: number; revenue: number };
/** Sums of doubles depend on the order of addition: compare revenue to the cent. */
const canonical = (rs: Result[]) => rs.map((r) => `${r.key} ${r.sales} ${r.revenue.toFixed(2)}`).sort();

describe('template kafka-trending-products on the real broker and PostgreSQL', () => {
  it('both outputs hold exactly the offline per-product per-minute purchases', async () => {
    const input = await kit.createTopic(2);
    const output = await kit.createTopic(2);
    const table = `trending_${uniq('t').replace(/-/g, '_')}`;
    const events = Array.from({ length: N }, (_, i) => clickEvent(SEED, i, RATE, START));
    const last = Math.max(...events.map((e) => e.ts));
    // A view far ahead in each partition moves the watermark past every window (it is filtered out).
    const closing = [0, 1].map((partition) => ({ partition, value: JSON.stringify({ user_id: 0, product_id: 0, event_type: 'view', price: 0, ts: last + 10 * MINUTE }) }));
    await kit.produce(input, [...events.map((e, i) => ({ key: `u${e.user_id}-${i}`, value: JSON.stringify(e) })), ...closing]);

    const spec = structuredClone(TEMPLATES.find((t) => t.id === 'kafka-trending-products')!.spec()) as JobSpecInput;
    // What a user edits in the inspector: servers, topics, table; a shorter checkpoint interval so
    // the transactions commit within the test.
    spec.config = { ...spec.config, checkpoints: { intervalMs: 500, mode: 'exactly-once', retain: 3 } };
    for (const n of spec.nodes) {
      if (n.kind === 'source.kafka') Object.assign(n.params!, { brokers, topic: input, groupId: uniq('g') });
      if (n.kind === 'sink.kafka') Object.assign(n.params!, { brokers, topic: output });
      if (n.kind === 'sink.postgres') Object.assign(n.params!, { connectionString: postgres.connectionString, table });
    }
    const expected = canonical([...offline()].map(([key, v]) => ({ key, ...v })));
    expect(expected.length).toBeGreaterThan(100);

    const job = await Engine.start(spec, { checkpointDir: await tempDir(), jobId: uniq('tpl') });
    try {
      const fromKafka = await kit.readAll(output, { expect: expected.length, timeoutMs: 180_000 });
      const kafkaRows = fromKafka.map((m) => {
        const r = JSON.parse(m.value!.toString()) as { key: number; window_start: number; sales: number; revenue: number };
        expect(m.key!.toString()).toBe(String(r.key));
        return { key: `${r.key}@${r.window_start}`, sales: r.sales, revenue: r.revenue };
      });
      expect(canonical(kafkaRows)).toEqual(expected);

      // The table is written as windows close; wait until it has every row.
      let pgRows: Result[] = [];
      const deadline = Date.now() + 60_000;
      do {
        const { rows } = await db.query<{ key: string; window_start: string; sales: string; revenue: number }>(`SELECT key, window_start, sales, revenue FROM "${table}"`).catch(() => ({ rows: [] }));
        pgRows = rows.map((r) => ({ key: `${Number(r.key)}@${Number(r.window_start)}`, sales: Number(r.sales), revenue: Number(r.revenue) }));
        if (pgRows.length >= expected.length || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      } while (true);
      expect(canonical(pgRows)).toEqual(expected);
      expect(job.status).toBe('running');
    } finally {
      await job.stop();
    }
  }, 300_000);
});
