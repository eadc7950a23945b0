import { describe, expect, it } from 'vitest';
import { Engine, type JobHandle } from '../src/index.js';
import { metricsOf, tempDir } from './helpers.js';

// T16. Keys churn (a new set of ~1000 keys every event-time second, old ones never return),
// 1 s event-time windows close behind the watermark, checkpoints every 300 ms, and the job is
// stopped and restored from its latest checkpoint 5 times. A window state that is not cleared once
// the watermark passes grows by ~1000 keys an event second, without bound; a restore that loses or
// duplicates state shows as a jump between the stop and the restored run.
// Generated event time advances with the wall clock (record i is stamped i / rate), so a run lasts
// at least as many seconds as it covers event seconds. In `npm test` the first run covers 8 and each
// restored run 4 (about half a minute in all); `npm run test:faults` sets
// RIFFLE_T16_EVENT_SECONDS=100 (about 10 minutes), and from a minute per run on RSS is checked too
// (too noisy for short runs).

const RATE = 2000;
const CYCLES = 6; // the first run, then 5 restore cycles
/** Each restored run covers this much event time (records / RATE): conditions, not wall time, so load only slows it. */
const CYCLE_EVENT_SECONDS = Number(process.env.RIFFLE_T16_EVENT_SECONDS ?? 4);
/** Event time after which the first run's state has reached its plateau (3 s bound + 1 s window). */
const WARM_UP_EVENT_SECONDS = 5;
/** The first run also warms up, and then has a few seconds at the plateau. */
const FIRST_EVENT_SECONDS = Math.max(CYCLE_EVENT_SECONDS, WARM_UP_EVENT_SECONDS + 3);
const MIN_CHECKPOINTS = 3;
const CHECK_RSS = CYCLE_EVENT_SECONDS >= 60;

const spec = {
  specVersion: 1,
  name: 'churn',
  config: { parallelism: 1, checkpoints: { intervalMs: 300, mode: 'exactly-once', retain: 2 } },
  nodes: [
    // Event time follows the rate from a fixed start, so it advances with the wall clock and continues across restores.
    { id: 'gen', kind: 'source.datagen', params: { seed: 16, ratePerSec: RATE, watermark: { maxOutOfOrderness: '3s' } } },
    { id: 'churn', kind: 'map', params: { fields: [{ as: 'k', expr: 'user_id * 1000000 + ts / 1000' }], keepInput: true } },
    { id: 'by', kind: 'keyBy', params: { key: 'k' } },
    { id: 'win', kind: 'window.tumbling', params: { size: '1s', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'price', as: 'spent' }] } },
    { id: 'out', kind: 'sink.collect', params: { limit: 10 } },
  ],
  edges: [
    { from: 'gen', to: 'churn' },
    { from: 'churn', to: 'by' },
    { from: 'by', to: 'win' },
    { from: 'win', to: 'out' },
  ],
};

interface Cycle {
  /** Window state keys right after the start (restored state), and sampled every 250 ms with the event seconds read so far. */
  restoredKeys: number;
  samples: Array<{ eventSeconds: number; keys: number; bytes: number }>;
  /** Sizes of the checkpoints completed in this run. */
  checkpointBytes: number[];
  windowsFired: number;
  lateDropped: number;
  /** The test process's resident set size when the run stopped. */
  rss: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runCycle(dir: string, restore: boolean): Promise<Cycle> {
  const job: JobHandle = await Engine.start(spec, { execution: 'in-process', checkpointDir: dir, jobId: 'churn', ...(restore ? { restoreFrom: 'latest' } : {}) });
  const restoredKeys = metricsOf(job, 'win').stateKeys ?? 0;
  const eventSeconds = restore ? CYCLE_EVENT_SECONDS : FIRST_EVENT_SECONDS;
  const deadline = Date.now() + Math.max(240_000, eventSeconds * 4000);
  const samples: Cycle['samples'] = [];
  let rss = 0;
  const completed = new Map<number, number>();
  try {
    while (samples.length === 0 || samples.at(-1)!.eventSeconds < eventSeconds || completed.size < MIN_CHECKPOINTS) {
      if (Date.now() > deadline) throw new Error(`a run did not get through ${eventSeconds} event seconds and ${MIN_CHECKPOINTS} checkpoints in time`);
      await sleep(250);
      const w = metricsOf(job, 'win');
      samples.push({ eventSeconds: metricsOf(job, 'gen').recordsOut / RATE, keys: w.stateKeys ?? 0, bytes: w.stateBytes ?? 0 });
      for (const c of job.checkpoints!()) if (c.status === 'completed') completed.set(c.id, c.bytes);
    }
  } finally {
    rss = process.memoryUsage().rss;
    await job.stop();
  }
  const m = job.metrics().operators;
  return {
    restoredKeys,
    samples,
    checkpointBytes: [...completed.values()],
    windowsFired: m.find((o) => o.nodeId === 'out')!.recordsIn,
    lateDropped: m.reduce((a, o) => a + o.lateRecordsDropped, 0),
    rss,
  };
}

const max = (xs: number[]) => Math.max(...xs);

describe('state churn across restore cycles (T16)', () => {
  it('state and checkpoint sizes plateau, windows are cleared behind the watermark, restores keep the state size', async () => {
    const dir = await tempDir();
    const cycles: Cycle[] = [];
    for (let i = 0; i < CYCLES; i++) cycles.push(await runCycle(dir, i > 0));

    const [first, ...restored] = cycles as [Cycle, ...Cycle[]];
    console.log(`T16 per run: restored keys, max keys, max checkpoint bytes: ${cycles.map((c) => `${c.restoredKeys}/${max(c.samples.map((s) => s.keys))}/${max(c.checkpointBytes)}`).join(' · ')}`);
    const steady = first.samples.filter((s) => s.eventSeconds >= WARM_UP_EVENT_SECONDS);
    const plateauKeys = max(steady.map((s) => s.keys));
    const plateauBytes = max(steady.map((s) => s.bytes));
    // About 860 keys (of 1000 users at 2000 records/s) per open event-time second (3 s out-of-orderness + the 1 s window).
    expect(plateauKeys).toBeGreaterThan(1500);
    expect(plateauKeys).toBeLessThan(12_000);
    for (const [i, c] of restored.entries()) {
      const tag = `restore cycle ${i + 1}`;
      // Windows keep firing and nothing is late: the watermark moves on after every restore.
      expect(c.windowsFired, tag).toBeGreaterThan(1000);
      expect(c.lateDropped, tag).toBe(0);
      // The plateau holds: without cleared windows the state would grow by ~1000 keys a second.
      expect(max(c.samples.map((s) => s.keys)), tag).toBeLessThan(plateauKeys * 1.5);
      expect(max(c.samples.map((s) => s.bytes)), tag).toBeLessThan(plateauBytes * 1.5);
      expect(max(c.checkpointBytes), tag).toBeLessThan(max(first.checkpointBytes) * 1.5);
      // The restored state is what the run before had when it stopped (what churned since its last
      // checkpoint came and went at the same rate, the state being at its plateau): neither lost nor doubled.
      const before = cycles[i]!.samples.at(-1)!.keys;
      expect(c.restoredKeys, tag).toBeGreaterThan(before * 0.6);
      expect(c.restoredKeys, tag).toBeLessThan(before * 1.4);
    }
    expect(first.windowsFired).toBeGreaterThan(1000);
    // Memory plateaus too: after the first (warm-up) run, the process grows by less than 10 %.
    if (CHECK_RSS) expect(cycles.at(-1)!.rss, `RSS ${cycles.map((c) => c.rss).join(' → ')}`).toBeLessThan(first.rss * 1.1);
  }, 120_000 + (FIRST_EVENT_SECONDS + (CYCLES - 1) * CYCLE_EVENT_SECONDS) * 4000);
});
