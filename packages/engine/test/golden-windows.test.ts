import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { metricsOf, readParts, runToEnd, tempDir } from './helpers.js';
import { GOLDEN_AGGS, GOLDEN_BOUND, generateEvents, goldenInput, referenceWindows, shuffleWithinBound, type Event, type WindowKind } from './window-reference.js';

// Every test runs whole jobs, some on worker threads, twice (heap and disk): generous on a shared machine.
vi.setConfig({ testTimeout: 60_000 });

const BOUND = GOLDEN_BOUND;
const AGGS = GOLDEN_AGGS;

const KINDS: Array<[string, WindowKind, Record<string, unknown>]> = [
  ['window.tumbling', { kind: 'tumbling', size: 5_000 }, { size: '5s' }],
  ['window.sliding', { kind: 'sliding', size: 6_000, slide: 2_000 }, { size: '6s', slide: '2s' }],
  ['window.session', { kind: 'session', gap: 1_003 }, { gap: '1003ms' }],
  ['window.global', { kind: 'global', count: 3 }, { trigger: { count: 3 } }],
];

/** Every suite below runs on both keyed state backends and must give the same output. */
const BACKENDS = ['heap', 'disk'] as const;
type Backend = (typeof BACKENDS)[number];

interface RunOptions {
  parallelism?: number;
  lateEdge?: boolean;
  periodic?: boolean;
  time?: 'event' | 'processing';
  stateBackend?: Backend;
}

interface Run {
  lines: string[];
  late: string[];
  job: Awaited<ReturnType<typeof runToEnd>>['job'];
}

/**
 * Writes the events as NDJSON and runs source → keyBy(user) → window → file sink (+ a late sink when asked).
 * Watermarks follow each advancing record (`intervalMs: 0`) so lateness is exact; the shuffle
 * tests use the default periodic emission, whose final output must not depend on timing.
 */
async function run(events: Event[], kind: string, params: Record<string, unknown>, opts: RunOptions = {}): Promise<Run> {
  const dir = await tempDir();
  await writeFile(join(dir, 'input.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const spec = {
    specVersion: 1,
    name: 'golden-windows',
    config: { parallelism: opts.parallelism ?? 1, time: opts.time ?? 'event', stateBackend: opts.stateBackend ?? 'heap' },
    nodes: [
      { id: 'events', kind: 'source.file', params: { path: 'input.ndjson', timestamp: 'ts', watermark: { maxOutOfOrderness: `${BOUND}ms`, intervalMs: opts.periodic ? 200 : 0 } } },
      { id: 'byUser', kind: 'keyBy', params: { key: 'user' } },
      { id: 'win', kind, params: { ...params, aggregate: AGGS } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
      ...(opts.lateEdge ? [{ id: 'lateOut', kind: 'sink.file', params: { path: 'late' } }] : []),
    ],
    edges: [
      { from: 'events', to: 'byUser' },
      { from: 'byUser', to: 'win' },
      { from: 'win', to: 'out' },
      ...(opts.lateEdge ? [{ from: 'win', fromPort: 'late', to: 'lateOut' }] : []),
    ],
  };
  // A 2-key cache on disk: nearly every record's state is evicted to LevelDB and read back.
  const { job, result } = await runToEnd(spec, { baseDir: dir, stateCacheKeys: 2 });
  expect(result).toEqual({ status: 'finished' });
  return { lines: await readParts(join(dir, 'out')), late: opts.lateEdge ? await readParts(join(dir, 'late')) : [], job };
}

/** The last firing per key and window (late firings repeat a window with updated results). */
function finalRows(lines: string[]): string[] {
  const last = new Map<string, string>();
  for (const l of lines) {
    const r = JSON.parse(l);
    last.set(JSON.stringify([r.key, r.window_start, r.window_end]), l);
  }
  return [...last.values()].sort();
}

/** Runs source → keyBy(user) → one keyed operator → file sink; returns the output lines sorted. */
async function runKeyedOp(events: readonly Event[], kind: string, params: Record<string, unknown>, opts: { parallelism: number; stateBackend: Backend; bound?: number }): Promise<string[]> {
  const dir = await tempDir();
  await writeFile(join(dir, 'input.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const watermark = opts.bound === undefined ? {} : { watermark: { maxOutOfOrderness: `${opts.bound}ms` } };
  const spec = {
    specVersion: 1,
    name: kind,
    config: { parallelism: opts.parallelism, stateBackend: opts.stateBackend },
    nodes: [
      { id: 'events', kind: 'source.file', params: { path: 'input.ndjson', timestamp: 'ts', ...watermark } },
      { id: 'byUser', kind: 'keyBy', params: { key: 'user' } },
      { id: 'op', kind, params },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ],
    edges: [
      { from: 'events', to: 'byUser' },
      { from: 'byUser', to: 'op' },
      { from: 'op', to: 'out' },
    ],
  };
  const { result } = await runToEnd(spec, { baseDir: dir, stateCacheKeys: 2 });
  expect(result.status).toBe('finished');
  return (await readParts(join(dir, 'out'))).sort();
}

describe.each(BACKENDS)('%s state backend', (stateBackend) => {
  describe('golden: every window kind and aggregate against the offline reference', () => {
    for (const [kind, w, params] of KINDS) {
      it(`${kind}: same results as the reference at parallelism 1 and 2`, async () => {
        // Session inputs stay within the bound: a record far behind would merge into older sessions.
        const input = w.kind === 'session' ? shuffleWithinBound(generateEvents(7, 80), BOUND, 11) : goldenInput();
        const expected = referenceWindows(input, w, AGGS, BOUND);
        expect(expected.rows.length).toBeGreaterThan(5);
        if (w.kind === 'tumbling' || w.kind === 'sliding') expect(expected.late.length).toBeGreaterThan(0);
        const p1 = await run(input, kind, params, { stateBackend });
        expect(p1.lines.slice().sort()).toEqual(expected.rows);
        expect(metricsOf(p1.job, 'win').lateRecordsDropped).toBe(expected.late.length);
        const p2 = await run(input, kind, params, { parallelism: 2, stateBackend });
        expect(p2.lines.slice().sort()).toEqual(expected.rows);
      });
    }
  });

  describe('golden: late data', () => {
    it('updates windows within the allowed lateness and sends later records to the late port', async () => {
      const input = goldenInput();
      const params = { size: '5s', allowedLateness: '10s' };
      const expected = referenceWindows(input, { kind: 'tumbling', size: 5_000 }, AGGS, BOUND, 10_000);
      const strict = referenceWindows(input, { kind: 'tumbling', size: 5_000 }, AGGS, BOUND, 0);
      // The lateness admits some of the records that are late without it, not all.
      expect(expected.late.length).toBeGreaterThan(0);
      expect(expected.late.length).toBeLessThan(strict.late.length);
      const r = await run(input, 'window.tumbling', params, { lateEdge: true, stateBackend });
      expect(finalRows(r.lines)).toEqual(expected.rows);
      expect(r.lines.length).toBeGreaterThan(expected.rows.length); // late firings happened
      expect(r.late.map((l) => JSON.parse(l))).toEqual(expected.late);
      expect(metricsOf(r.job, 'win').lateRecordsDropped).toBe(expected.late.length);
      expect(r.job.deadLetters()).toEqual([]);
      const p2 = await run(input, 'window.tumbling', params, { lateEdge: true, parallelism: 2, stateBackend });
      expect(finalRows(p2.lines)).toEqual(expected.rows);
      expect(p2.late.map((l) => JSON.parse(l)).sort((a, b) => a.ts - b.ts)).toEqual(expected.late.slice().sort((a, b) => a.ts - b.ts));
    });

    it('processing time works for every window kind (bounded input: the end flushes every window)', async () => {
      const input = generateEvents(9, 40);
      for (const [kind, w, params] of KINDS) {
        const r = await run(input, kind, params, { time: 'processing', stateBackend });
        const total = r.lines.map((l) => JSON.parse(l).n as number).reduce((a, b) => a + b, 0);
        if (w.kind === 'sliding') expect(total, kind).toBe((input.length * w.size) / w.slide);
        else if (w.kind === 'global') expect(total, kind).toBeLessThanOrEqual(input.length);
        else expect(total, kind).toBe(input.length);
      }
    });

    it('dead-letters records beyond the allowed lateness when no late edge exists', async () => {
      const input = goldenInput();
      const expected = referenceWindows(input, { kind: 'sliding', size: 6_000, slide: 2_000 }, AGGS, BOUND);
      const r = await run(input, 'window.sliding', { size: '6s', slide: '2s' }, { stateBackend });
      const dead = r.job.deadLetters();
      expect(dead.map((d) => d.record)).toEqual(expected.late);
      expect(dead.every((d) => d.nodeId === 'win' && /late record/.test(d.error))).toBe(true);
      expect(metricsOf(r.job, 'win').deadLettered).toBe(expected.late.length);
    });
  });

  describe('shuffled input within the out-of-orderness bound', () => {
    for (const [kind, , params] of KINDS.filter(([k]) => k !== 'window.global')) {
      it(`${kind}: in order and shuffled give identical output`, async () => {
        const inOrder = generateEvents(3, 120);
        const sorted = (await run(inOrder, kind, params, { stateBackend })).lines.slice().sort();
        for (const seed of [1, 2, 3]) {
          const shuffled = shuffleWithinBound(inOrder, BOUND, seed);
          expect((await run(shuffled, kind, params, { stateBackend })).lines.slice().sort(), `shuffle seed ${seed}`).toEqual(sorted);
          expect((await run(shuffled, kind, params, { periodic: true, parallelism: 2, stateBackend })).lines.slice().sort(), `shuffle seed ${seed}, periodic, p2`).toEqual(sorted);
        }
      }, 60_000); // seven jobs, two on worker threads
    }
  });

  describe('reduce and dedupe in a job', () => {
    it('give the same records at parallelism 1 and 2', async () => {
      const events = generateEvents(5, 60);
      const runKeyed = (kind: string, params: Record<string, unknown>, parallelism: number) => runKeyedOp(events, kind, params, { parallelism, stateBackend });
      const dedupe = await runKeyed('dedupe', { within: '5s' }, 1);
      // Reference: per user, keep a record when it is ≥ 5 s after the last kept one (events are in order).
      const last = new Map<string, number>();
      const kept = events.filter((e) => {
        const l = last.get(e.user);
        if (l !== undefined && e.ts - l < 5_000) return false;
        last.set(e.user, e.ts);
        return true;
      });
      expect(dedupe).toEqual(kept.map((e) => JSON.stringify(e)).sort());
      expect(await runKeyed('dedupe', { within: '5s' }, 2)).toEqual(dedupe);
      const reduce = await runKeyed('reduce', { aggregate: [{ fn: 'count', as: 'n' }] }, 1);
      expect(reduce).toHaveLength(events.length);
      expect(await runKeyed('reduce', { aggregate: [{ fn: 'count', as: 'n' }] }, 2)).toEqual(reduce);
    }, 60_000); // four jobs, two on worker threads
  });

  describe('over in a job', () => {
    it('matches the reference for in-order and shuffled input, at parallelism 1 and 2', async () => {
      const events = generateEvents(13, 80);
      const range = 3_000;
      const expected = events
        .map((e) => {
          const peers = events.filter((x) => x.user === e.user && x.ts >= e.ts - range && x.ts <= e.ts);
          const amounts = peers.map((x) => x.amount).filter((a): a is number => a !== null);
          return JSON.stringify({ ...e, n: peers.length, total: amounts.length ? amounts.reduce((a, b) => a + b, 0) : null });
        })
        .sort();
      for (const [input, parallelism, label] of [
        [events, 1, 'in order'],
        [shuffleWithinBound(events, BOUND, 5), 2, 'shuffled (seed 5), p2'],
      ] as const) {
        const params = { range: '3s', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'amount', as: 'total' }] };
        expect(await runKeyedOp(input, 'over', params, { parallelism, stateBackend, bound: BOUND }), label).toEqual(expected);
      }
    }, 60_000);
  });
});
