import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine, type EngineOptions, type JobHandle } from '../src/index.js';
import { tempDir } from './helpers.js';

// T15: savepoints written by earlier Riffle versions (fixtures/savepoints/v<format>/<case>/, made
// by fixtures/savepoints/generate.mjs) must still restore. Each case is one job per stateful
// operator kind reading source.file; its state is verified by the job's output after the restore.
const root = fileURLToPath(new URL('./fixtures/savepoints/', import.meta.url));

type Spec = { nodes: Array<{ id: string; kind: string; params: Record<string, unknown> }>; edges: Array<{ from: string; to: string }> };
type Outputs = Record<string, string[]>;

interface Fixture {
  dir: string;
  spec: Spec;
  meta: { savepointId: string; jobId: string };
  before: Outputs;
  expected: Outputs;
}

const versions = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && /^v\d+$/.test(e.name)).map((e) => e.name);
const cases = await Promise.all(
  versions.flatMap(async (v) => (await readdir(join(root, v))).map((c) => [v, c] as const)),
).then((l) => l.flat());

async function load(version: string, name: string): Promise<Fixture> {
  const dir = join(root, version, name);
  const json = async (f: string) => JSON.parse(await readFile(join(dir, f), 'utf8'));
  return { dir, spec: await json('spec.json'), meta: await json('meta.json'), before: await json('before.json'), expected: await json('expected.json') };
}

const sinkIds = (spec: Spec) => spec.nodes.filter((n) => n.kind === 'sink.collect').map((n) => n.id);
const outputs = (job: JobHandle, spec: Spec): Outputs => Object.fromEntries(sinkIds(spec).map((id) => [id, job.preview(id).map((r) => JSON.stringify(r)).sort()]));

/** Restores the fixture's savepoint (from a copy: a restore may write) over its input files, to the end. */
async function restore(f: Fixture, spec: Spec = f.spec, extra: EngineOptions = {}): Promise<Outputs> {
  const jobDir = await tempDir();
  await cp(join(f.dir, 'job'), jobDir, { recursive: true });
  const job = await Engine.start(spec, { baseDir: f.dir, checkpointDir: jobDir, jobId: f.meta.jobId, restoreFrom: f.meta.savepointId, execution: 'in-process', ...extra });
  expect(await job.done).toEqual({ status: 'finished' });
  return outputs(job, spec);
}

describe('golden savepoints (T15)', () => {
  it('there is a fixture folder for every snapshot format version this engine reads', async () => {
    const { CHECKPOINT_FORMAT_VERSION } = await import('../src/checkpoint/metadata.js');
    expect(versions).toContain(`v${CHECKPOINT_FORMAT_VERSION}`);
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  for (const [version, name] of cases) {
    it(`${version}/${name}: restores, and its output continues the run that took it`, async () => {
      const f = await load(version, name);
      const after = await restore(f);
      expect(after).toEqual(f.expected);
      // The state is really there: output before the savepoint + after the restore is what an
      // uninterrupted run over the same input emits (a lost state would restart counts, windows, joins).
      const plain = await Engine.start(f.spec, { baseDir: f.dir, execution: 'in-process' });
      await plain.done;
      const whole = outputs(plain, f.spec);
      for (const id of sinkIds(f.spec)) {
        expect(f.before[id]!.length, `${id} has output before the savepoint`).toBeGreaterThan(0);
        expect([...f.before[id]!, ...after[id]!].sort()).toEqual(whole[id]);
      }
    }, 60_000);
  }
});

describe('restoring into a changed job (T15)', () => {
  const windows = () => load(versions.at(-1)!, 'windows');
  const without = (spec: Spec, ids: string[]): Spec => ({ ...spec, nodes: spec.nodes.filter((n) => !ids.includes(n.id)), edges: spec.edges.filter((e) => !ids.includes(e.from) && !ids.includes(e.to)) });

  it('a removed operator is refused naming it, unless allowNonRestoredState drops its state', async () => {
    const f = await windows();
    const spec = without(f.spec, ['sessions', 'sessionsOut']);
    await expect(restore(f, spec)).rejects.toMatchObject({ code: 'incompatible_snapshot', nodeId: 'sessions', message: expect.stringMatching(/operator sessions \(window\.session\).*allowNonRestoredState/) });
    const after = await restore(f, spec, { allowNonRestoredState: true });
    expect(after).toEqual({ countsOut: f.expected.countsOut, slidesOut: f.expected.slidesOut });
  }, 60_000);

  it('an operator whose aggregate list changed is refused with a clear incompatibility error', async () => {
    const f = await windows();
    const spec: Spec = { ...f.spec, nodes: f.spec.nodes.map((n) => (n.id === 'counts' ? { ...n, params: { ...n.params, aggregate: [{ fn: 'avg', field: 'v', as: 's' }] } } : n)) };
    await expect(restore(f, spec)).rejects.toMatchObject({
      code: 'incompatible_snapshot',
      nodeId: 'counts',
      message: expect.stringMatching(/operator counts keeps state built from its aggregates count\(\) as n, sum\(v\) as s, but this job gives it avg\(v\) as s/),
    });
    // allowNonRestoredState is about removed operators, not about reading state another way.
    await expect(restore(f, spec, { allowNonRestoredState: true })).rejects.toMatchObject({ nodeId: 'counts' });
  }, 60_000);

  it('an added operator is refused naming it', async () => {
    const f = await windows();
    const spec: Spec = { ...f.spec, nodes: [...f.spec.nodes, { id: 'extra', kind: 'sink.collect', params: {} }], edges: [...f.spec.edges, { from: 'counts', to: 'extra' }] };
    await expect(restore(f, spec)).rejects.toMatchObject({ code: 'incompatible_snapshot', nodeId: 'extra' });
  }, 60_000);
});
