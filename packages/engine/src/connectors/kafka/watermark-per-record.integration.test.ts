// source.kafka with `watermark.intervalMs: 0` on the real test broker: the hand-worked golden case
// (test/golden/tumbling-out-of-order, 15 records of which 2 are late) read from a topic gives the
// golden output, late records dropped exactly as the file source drops them, because the watermark
// follows each record. Without it the watermark follows each fetched batch: a topic this small is
// one fetch, so nothing is late and the late records count in their windows.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { metricsOf, readParts, runToEnd, tempDir } from '../../../test/helpers.js';
import { KafkaKit } from '../../../test/kafka-kit.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);
beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

const GOLDEN = join(import.meta.dirname, '../../../test/golden/tumbling-out-of-order');
const lines = async (f: string) => (await readFile(join(GOLDEN, f), 'utf8')).split('\n').filter((l) => l.trim() !== '');

/** The golden spec with its file source replaced by a bounded read of `topic` (same watermark bound). */
async function run(topic: string, intervalMs: 0 | undefined) {
  const spec = JSON.parse(await readFile(join(GOLDEN, 'spec.json'), 'utf8'));
  spec.nodes[0] = {
    id: 'events',
    kind: 'source.kafka',
    params: { brokers, topic, startFrom: 'earliest', bounded: true, timestamp: 'ts', watermark: { maxOutOfOrderness: '2s', ...(intervalMs === undefined ? {} : { intervalMs }) } },
  };
  const dir = await tempDir();
  spec.nodes[3].params.path = join(dir, 'out');
  const { job, result } = await runToEnd(spec, { baseDir: dir });
  expect(result).toEqual({ status: 'finished' });
  return { rows: (await readParts(join(dir, 'out'))).map((l) => JSON.parse(l)), late: metricsOf(job, 'per10s').lateRecordsDropped };
}

describe('source.kafka watermark intervalMs 0', () => {
  it('a watermark after every record: the golden lateness, whatever the fetches', async () => {
    const input = await lines('input.ndjson');
    const topic = await kit.createTopic(1, { 'retention.ms': '-1' });
    await kit.produce(topic, input.map((value) => ({ value, timestamp: String(JSON.parse(value).ts) })));
    const byWindow = (rows: Array<Record<string, unknown>>) => rows.map((r) => JSON.stringify(r)).sort();
    const perRecord = await run(topic, 0);
    expect(byWindow(perRecord.rows)).toEqual(byWindow((await lines('expected.ndjson')).map((l) => JSON.parse(l))));
    expect(perRecord.late).toBe(2);
    // The default: one batch, one watermark after it, so nothing is late (what intervalMs 0 is for).
    const perBatch = await run(topic, undefined);
    expect(perBatch.late).toBe(0);
    expect(perBatch.rows.reduce((s, r) => s + (r.n as number), 0)).toBe(15);
  }, 60_000);
});
