// Projection across exchanges (plan/exchange-projection.ts): a window whose aggregates read few
// fields gets its records across worker threads with only those fields. What must not change:
// the results, and late records, which reach the late port (or the dead-letter output) whole.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readParts, runToEnd, tempDir } from './helpers.js';
import { GOLDEN_BOUND, generateEvents, goldenInput, shuffleWithinBound, type Event } from './window-reference.js';

vi.setConfig({ testTimeout: 60_000 });

const AGGS = [
  { fn: 'count', as: 'n' },
  { fn: 'first', field: 'item', as: 'first_item' },
  { fn: 'last', field: 'item', as: 'last_item' },
  { fn: 'count_distinct', field: 'item', as: 'items' },
  { fn: 'sum', field: 'amount', as: 'total' },
  { fn: 'max', field: 'amount', as: 'hi' },
];

/**
 * The golden input (late records among them) or the same without late records, optionally with,
 * in time, a record per user whose amount is not a number (some keys' windows run on the
 * source's worker, some on the other). The whole file fits a batch or two, and a batch with one
 * record that must cross whole crosses whole: each case gets an input of its own.
 */
function input(o: { late: boolean; bad: boolean }): Event[] {
  const events = o.late ? goldenInput() : shuffleWithinBound(generateEvents(7, 80), GOLDEN_BOUND, 11);
  if (!o.bad) return events;
  const bad = ['ann', 'bob', 'cid', 'dee', 'eve'].map((user) => ({ ...events[30]!, user, amount: 'oops' as unknown as number }));
  return [...events.slice(0, 30), ...bad, ...events.slice(30)];
}
const isBad = (r: Record<string, unknown>) => r.amount === 'oops';

async function run(events: Event[], parallelism: number, lateEdge: boolean) {
  const dir = await tempDir();
  await writeFile(join(dir, 'input.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const spec = {
    specVersion: 1,
    name: 'projected-exchange',
    config: { parallelism },
    nodes: [
      { id: 'events', kind: 'source.file', params: { path: 'input.ndjson', timestamp: 'ts', watermark: { maxOutOfOrderness: `${GOLDEN_BOUND}ms`, intervalMs: 0 } } },
      { id: 'byUser', kind: 'keyBy', params: { key: 'user' } },
      { id: 'win', kind: 'window.tumbling', params: { size: '5s', aggregate: AGGS } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
      ...(lateEdge ? [{ id: 'lateOut', kind: 'sink.file', params: { path: 'late' } }] : []),
    ],
    edges: [
      { from: 'events', to: 'byUser' },
      { from: 'byUser', to: 'win' },
      { from: 'win', to: 'out' },
      ...(lateEdge ? [{ from: 'win', fromPort: 'late', to: 'lateOut' }] : []),
    ],
  };
  const { job, result } = await runToEnd(spec, { baseDir: dir, ...(parallelism > 1 ? { execution: 'threads' as const } : {}) });
  expect(result).toEqual({ status: 'finished' });
  const sorted = (lines: string[]) => lines.map((l) => JSON.parse(l)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { rows: sorted(await readParts(join(dir, 'out'))), late: lateEdge ? sorted(await readParts(join(dir, 'late'))) : [], deadLetters: job.deadLetters() };
}

describe('projected exchange into a window', () => {
  it('gives the in-process results at p=2 and sends late records whole to the late port', async () => {
    const p1 = await run(input({ late: true, bad: false }), 1, true);
    expect(p1.late.length).toBeGreaterThan(0);
    for (const l of p1.late) expect(Object.keys(l).sort()).toEqual(['amount', 'item', 'ts', 'user']);
    const p2 = await run(input({ late: true, bad: false }), 2, true);
    expect(p2.rows).toEqual(p1.rows);
    expect(p2.late).toEqual(p1.late);
    expect(p2.deadLetters).toEqual([]);
  });

  it('sends late records whole to the dead-letter output when no late port is connected', async () => {
    const p2 = await run(input({ late: true, bad: false }), 2, false);
    const records = p2.deadLetters.map((d) => d.record as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(Object.keys(r).sort()).toEqual(['amount', 'item', 'ts', 'user']);
    expect(p2.rows).toEqual((await run(input({ late: true, bad: false }), 1, false)).rows);
  });

  it('dead-letters a record whose amount is not a number whole', async () => {
    const p2 = await run(input({ late: false, bad: true }), 2, false);
    const byUser = (a: unknown, b: unknown) => String((a as Event).user).localeCompare(String((b as Event).user));
    expect(p2.deadLetters.map((d) => d.record).sort(byUser)).toEqual(input({ late: false, bad: true }).filter((e) => isBad(e as unknown as Record<string, unknown>)));
    expect(p2.rows).toEqual((await run(input({ late: false, bad: true }), 1, false)).rows);
  });
});
