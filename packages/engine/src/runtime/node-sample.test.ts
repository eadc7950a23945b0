import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SampledRecord } from '@riffle/shared';
import { Engine, type JobHandle } from '../index.js';
import { pipeline } from '../../test/helpers.js';
import { NodeOutput } from './chain-collectors.js';
import { newCounters } from './metrics.js';
import { NodeTaps } from './node-taps.js';
import { SampleTap } from './sample-tap.js';

/** gen → map (sku, doubled price, a marker) → collect sink; the map node is the one sampled. */
function spec(parallelism: number) {
  return pipeline(
    [
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 2000 } },
      { id: 'm', kind: 'map', params: { fields: [{ as: 'doubled', expr: 'price * 2.0' }, { as: 'price', expr: 'price' }, { as: 'tag', expr: "'mapped'" }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 5 } },
    ],
    { parallelism },
  );
}

/** Calls `sample` the way a viewer does (about every 100 ms here) until `enough` holds. */
async function sampleUntil(job: JobHandle, nodeId: string, enough: (r: SampledRecord[]) => boolean, timeoutMs = 20_000): Promise<SampledRecord[]> {
  const end = Date.now() + timeoutMs;
  let last: SampledRecord[] = [];
  while (Date.now() < end) {
    last = job.sample!(nodeId);
    if (enough(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sample of ${nodeId} never satisfied the condition; last: ${JSON.stringify(last.slice(-3))}`);
}

const jobs: JobHandle[] = [];
afterEach(async () => {
  await Promise.all(jobs.splice(0).map((j) => j.stop()));
  vi.useRealTimers();
});

describe('live preview of a node (job.sample)', () => {
  for (const p of [1, 2]) {
    it(`shows the map node's own output records at parallelism ${p}`, async () => {
      const job = await Engine.start(spec(p), { slots: 2 });
      jobs.push(job);
      // The first call turns the tap on; nothing was kept before it.
      expect(job.sample!('m')).toEqual([]);
      const subtasks = new Set(Array.from({ length: p }, (_, i) => i));
      const records = await sampleUntil(job, 'm', (r) => r.length >= 10 && [...subtasks].every((s) => r.some((x) => x.subtask === s)));
      expect(records.length).toBeLessThanOrEqual(50);
      for (const r of records) {
        // The map's output shape, not the generator's click event.
        const v = r.value as Record<string, unknown>;
        expect(Object.keys(v).sort()).toEqual(['doubled', 'price', 'tag']);
        expect(v.tag).toBe('mapped');
        expect(v.doubled).toBeCloseTo((v.price as number) * 2, 9);
        expect(typeof r.timestamp).toBe('number');
        expect(subtasks.has(r.subtask)).toBe(true);
      }
      // Oldest first within each subtask (workers report independently, so not across them).
      for (const s of subtasks) {
        const at = records.filter((r) => r.subtask === s).map((r) => r.at);
        expect(at).toEqual([...at].sort((a, b) => a - b));
      }
      // The source's sample holds click events: each node shows what it emits.
      const gen = await sampleUntil(job, 'gen', (r) => r.length > 0);
      expect(gen[0]!.value).toHaveProperty('event_type');
    });
  }

  it('refuses a node the job does not have', async () => {
    const job = await Engine.start(spec(1));
    jobs.push(job);
    expect(() => job.sample!('nope')).toThrow(expect.objectContaining({ code: 'unknown_node' }));
  });
});

describe('SampleTap and NodeTaps', () => {
  it('keeps at most its quota of records per second', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const kept: SampledRecord[] = [];
    const tap = new SampleTap(1, 10, (r) => kept.push(r));
    for (let i = 0; i < 1000; i++) tap.collect({ i }, 5);
    expect(kept).toHaveLength(10);
    expect(kept[0]).toEqual({ value: { i: 0 }, timestamp: 5, subtask: 1, at: 1_000_000 });
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 1000; i++) tap.collect({ i }, -Infinity);
    expect(kept).toHaveLength(20);
    expect(kept[19]!.timestamp).toBeNull();
  });

  it('installs taps in the output collectors only until the deadline', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const downstream: unknown[] = [];
    const outputs = [new NodeOutput(newCounters()), new NodeOutput(newCounters())];
    for (const o of outputs) o.addTarget({ collect: (v) => downstream.push(v), emitWatermark() {} });
    const kept: Array<[string, SampledRecord]> = [];
    const taps = new NodeTaps(new Map([['m', outputs]]), () => 2, (id, r) => kept.push([id, r]));
    taps.enable('m', Date.now() + 5000);
    outputs[0]!.collect({ a: 1 }, 1);
    outputs[1]!.collect({ a: 2 }, 2);
    expect(kept.map(([id, r]) => [id, r.subtask, r.value])).toEqual([
      ['m', 0, { a: 1 }],
      ['m', 1, { a: 2 }],
    ]);
    taps.expire(Date.now() + 4999);
    expect(taps.isActive('m')).toBe(true);
    taps.expire(Date.now() + 5000);
    expect(taps.isActive('m')).toBe(false);
    outputs[0]!.collect({ a: 3 }, 3);
    expect(kept).toHaveLength(2);
    // Downstream got every record, tapped or not.
    expect(downstream).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });
});
