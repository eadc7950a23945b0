import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateSpec } from '@riffle/shared';
import { JobStore } from './job-store.js';
import type { JobRecord } from './job-views.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const spec = validateSpec({
  specVersion: 1,
  name: 's',
  nodes: [
    { id: 'g', kind: 'source.datagen', params: { count: 1 } },
    { id: 'o', kind: 'sink.collect' },
  ],
  edges: [{ from: 'g', to: 'o' }],
}).spec!;

const record = (id: string, status: JobRecord['status'] = 'running'): JobRecord => ({ version: 1, id, name: 's', spec, status, createdAt: 1 });

describe('JobStore', () => {
  it('saves and loads records; the last of several quick writes wins', async () => {
    dir = await mkdtemp(join(tmpdir(), 'riffle-store-'));
    const store = new JobStore(dir);
    const writes = (['created', 'running', 'stopping', 'stopped'] as const).map((s) => store.save(record('abc-1', s)));
    await Promise.all(writes);
    await store.save(record('abc-2'));
    const loaded = await store.loadAll();
    expect(loaded.map((r) => [r.id, r.status]).sort()).toEqual([
      ['abc-1', 'stopped'],
      ['abc-2', 'running'],
    ]);
    expect(await readdir(join(dir, 'jobs', 'abc-1'))).toEqual(['job.json']);
  });

  it('skips unreadable records and folders that are not job ids', async () => {
    dir = await mkdtemp(join(tmpdir(), 'riffle-store-'));
    const warnings: string[] = [];
    const store = new JobStore(dir, { warn: (_o, msg) => warnings.push(msg) });
    await store.save(record('good-1'));
    await mkdir(join(dir, 'jobs', 'bad-1'));
    await writeFile(join(dir, 'jobs', 'bad-1', 'job.json'), '{ torn');
    await mkdir(join(dir, 'jobs', 'Not_An_Id'));
    await writeFile(join(dir, 'jobs', 'Not_An_Id', 'job.json'), JSON.stringify(record('Not_An_Id')));
    expect((await store.loadAll()).map((r) => r.id)).toEqual(['good-1']);
    expect(warnings).toHaveLength(1);
  });

  it('refuses ids that are not well-formed', () => {
    const store = new JobStore('/tmp/x');
    for (const id of ['..', '../etc', 'a/b', 'ABC', '', '.x']) expect(() => store.jobDir(id), id).toThrow(/refusing/);
    expect(store.jobDir('abc-1')).toBe(join('/tmp/x', 'jobs', 'abc-1'));
  });
});
