import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OnErrorPolicy } from '@riffle/shared';
import { metricsOf, pipeline, readParts, runToEnd, tempDir } from '../../test/helpers.js';

// T18 for source timestamps: a record whose `timestamp` field or expression fails, or gives no
// epoch-ms number, follows the source's onError policy (Kafka's is tested against the broker).

const ROWS = [
  { id: 1, ts: 1000 },
  { id: 2 }, // no ts
  { id: 3, ts: 'soon' }, // not a number
  { id: 4, ts: 2000 },
];

async function input(): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, 'in.ndjson'), ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

function job(onError: OnErrorPolicy | undefined, timestamp = 'ts') {
  return pipeline([
    { id: 'src', kind: 'source.file', params: { path: 'in.ndjson', timestamp, ...(onError ? { onError } : {}) } },
    { id: 'out', kind: 'sink.file', params: { path: 'out' } },
  ]);
}

const ids = async (dir: string) => (await readParts(join(dir, 'out'))).map((l) => (JSON.parse(l) as { id: number }).id);

describe('onError on source timestamps (T18)', { timeout: 60_000 }, () => {
  it('dlq (the default) dead-letters records without a usable timestamp', async () => {
    const dir = await input();
    const { job: j, result } = await runToEnd(job(undefined), { baseDir: dir });
    expect(result.status).toBe('finished');
    expect(await ids(dir)).toEqual([1, 4]);
    expect(metricsOf(j, 'src')).toMatchObject({ recordsOut: 2, deadLettered: 2 });
    expect(j.deadLetters().map((d) => [d.nodeId, (d.record as { id: number }).id])).toEqual([
      ['src', 2],
      ['src', 3],
    ]);
    expect(j.deadLetters()[1]!.error).toMatch(/timestamp is "soon", expected epoch milliseconds/);
  });

  it('skip drops and counts them', async () => {
    const dir = await input();
    const { job: j, result } = await runToEnd(job('skip'), { baseDir: dir });
    expect(result.status).toBe('finished');
    expect(await ids(dir)).toEqual([1, 4]);
    expect(metricsOf(j, 'src')).toMatchObject({ recordsOut: 2, deadLettered: 0, skippedRecords: 2 });
    expect(j.deadLetters()).toEqual([]);
  });

  it('fail fails the job, naming the timestamp expression, the source and the file line', async () => {
    const dir = await input();
    const { result } = await runToEnd(job('fail', 'int(ts)'), { baseDir: dir });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'expression_failed', domain: 'user', retryable: false, nodeId: 'src' });
    const message = result.error!.message;
    expect(message).toContain('expression `timestamp = int(ts)` of node "src"');
    expect(message).toContain(`failed on line 2 of ${join(dir, 'in.ndjson')}:`);
    expect(message).toContain('{"id":2}');
  });
});
