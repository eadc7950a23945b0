import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readParts, runToEnd, tempDir } from './helpers.js';
import { generateEvents, type Event } from './window-reference.js';

const left = generateEvents(21, 50);
const right = generateEvents(22, 50);

/** Runs left and right NDJSON through keyBy(user) each into a join; the bound is large so nothing is late, whatever the timing. */
async function runJoin(kind: string, params: Record<string, unknown>, parallelism: number): Promise<string[]> {
  const dir = await tempDir();
  for (const [name, events] of [['left', left], ['right', right]] as const)
    await writeFile(join(dir, `${name}.ndjson`), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const src = (id: string) => ({ id, kind: 'source.file', params: { path: `${id}.ndjson`, timestamp: 'ts', watermark: { maxOutOfOrderness: '1h' } } });
  const spec = {
    specVersion: 1,
    name: 'join',
    config: { parallelism },
    nodes: [
      src('left'),
      src('right'),
      { id: 'kl', kind: 'keyBy', params: { key: 'user' } },
      { id: 'kr', kind: 'keyBy', params: { key: 'user' } },
      { id: 'j', kind, params },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ],
    edges: [
      { from: 'left', to: 'kl' },
      { from: 'right', to: 'kr' },
      { from: 'kl', to: 'j', toPort: 'left' },
      { from: 'kr', to: 'j', toPort: 'right' },
      { from: 'j', to: 'out' },
    ],
  };
  const { result } = await runToEnd(spec, { baseDir: dir });
  expect(result).toEqual({ status: 'finished' });
  return (await readParts(join(dir, 'out'))).sort();
}

const pairsWhere = (match: (l: Event, r: Event) => boolean, extra: (l: Event) => Record<string, unknown> = () => ({})) =>
  left.flatMap((l) => right.filter((r) => r.user === l.user && match(l, r)).map((r) => JSON.stringify({ key: l.user, ...extra(l), left: l, right: r }))).sort();

describe('golden: joins against an offline reference', () => {
  it('join.interval at parallelism 1 and 2', async () => {
    const expected = pairsWhere((l, r) => r.ts >= l.ts - 300 && r.ts <= l.ts + 200);
    expect(expected.length).toBeGreaterThan(3);
    expect(await runJoin('join.interval', { before: '300ms', after: '200ms' }, 1)).toEqual(expected);
    expect(await runJoin('join.interval', { before: '300ms', after: '200ms' }, 2)).toEqual(expected);
  });

  it('join.window at parallelism 1 and 2', async () => {
    const size = 2_000;
    const start = (t: number) => Math.floor(t / size) * size;
    const expected = pairsWhere(
      (l, r) => start(l.ts) === start(r.ts),
      (l) => ({ window_start: start(l.ts), window_end: start(l.ts) + size }),
    );
    expect(expected.length).toBeGreaterThan(3);
    expect(await runJoin('join.window', { size: '2s' }, 1)).toEqual(expected);
    expect(await runJoin('join.window', { size: '2s' }, 2)).toEqual(expected);
  });

  it('join.regular at parallelism 1 and 2: every pair of the same key, whatever the timestamps', async () => {
    const expected = pairsWhere(() => true);
    expect(expected.length).toBeGreaterThan(left.length);
    expect(await runJoin('join.regular', {}, 1)).toEqual(expected);
    expect(await runJoin('join.regular', {}, 2)).toEqual(expected);
  });
});
