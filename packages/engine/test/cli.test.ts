import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readParts, tempDir } from './helpers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'riffle.js');

function riffle(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('riffle run', () => {
  it('runs a file-to-file spec, resolving paths against the spec folder, and exits 0', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'in.ndjson'), ['{"n":1}', '{"n":2}', 'oops', '{"n":3}'].join('\n') + '\n');
    const spec = {
      specVersion: 1,
      name: 'cli-test',
      nodes: [
        { id: 'src', kind: 'source.file', params: { path: 'in.ndjson' } },
        { id: 'double', kind: 'map', params: { fields: [{ as: 'n2', expr: 'n * 2' }] } },
        { id: 'out', kind: 'sink.file', params: { path: 'out' } },
      ],
      edges: [
        { from: 'src', to: 'double' },
        { from: 'double', to: 'out' },
      ],
    };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const { code, out } = await riffle(['run', join(dir, 'spec.json')], process.cwd());
    expect(out).toMatch(/job finished/);
    expect(out).toMatch(/double \(map\): in 3, out 3/);
    expect(out).toMatch(/src \(source\.file\): in 0, out 3, dead-lettered 1/);
    expect(code).toBe(0);
    expect((await readParts(join(dir, 'out'))).map((l) => JSON.parse(l))).toEqual([{ n2: 2 }, { n2: 4 }, { n2: 6 }]);
  });

  it('prints every problem of an invalid spec as "  $.path: message" and exits non-zero', async () => {
    const dir = await tempDir();
    const bad = { specVersion: 1, name: 'bad', nodes: [{ id: 'f', kind: 'filter', params: { expr: '' } }], edges: [] };
    await writeFile(join(dir, 'bad.json'), JSON.stringify(bad));
    const { code, out } = await riffle(['run', 'bad.json'], dir);
    expect(code).not.toBe(0);
    expect(out).toMatch(/invalid job spec/);
    expect(out).toMatch(/^ {2}\$\.nodes\[0\]\.params\.expr: /m);
    expect(out).toMatch(/^ {2}\$\.nodes: .*source/m);
  });

  it('explains a missing or unparsable spec file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'broken.json'), '{ nope');
    const missing = await riffle(['run', 'missing.json'], dir);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toMatch(/spec file not found: .*missing\.json/);
    const broken = await riffle(['run', 'broken.json'], dir);
    expect(broken.code).not.toBe(0);
    expect(broken.out).toMatch(/cannot read .*broken\.json: .*JSON/);
  });

  it('starts generated event time when the run starts, unless the spec gives a startTime (#7)', async () => {
    const dir = await tempDir();
    const gen = (id: string, extra: object) => ({ id, kind: 'source.datagen', params: { count: 20, ratePerSec: 1000, ...extra } });
    const spec = {
      specVersion: 1,
      name: 'event-time',
      nodes: [gen('now', {}), gen('fixed', { startTime: 1_000_000_000_000 }), { id: 'a', kind: 'sink.file', params: { path: 'now' } }, { id: 'b', kind: 'sink.file', params: { path: 'fixed' } }],
      edges: [
        { from: 'now', to: 'a' },
        { from: 'fixed', to: 'b' },
      ],
    };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const before = Date.now();
    const { code } = await riffle(['run', 'spec.json'], dir);
    const after = Date.now();
    expect(code).toBe(0);
    const times = async (sub: string) => (await readParts(join(dir, sub))).map((l) => (JSON.parse(l) as { ts: number }).ts);
    // 20 records at 1000/s span 20 ms of event time, minus the generator's jitter (under a second).
    for (const ts of await times('now')) {
      expect(ts).toBeGreaterThan(before - 5_000);
      expect(ts).toBeLessThan(after + 5_000);
    }
    for (const ts of await times('fixed')) {
      expect(ts).toBeGreaterThan(1_000_000_000_000 - 5_000);
      expect(ts).toBeLessThan(1_000_000_000_000 + 5_000);
    }
  });

  it('stops gracefully on SIGINT, rolling the sink files', async () => {
    const dir = await tempDir();
    const spec = {
      specVersion: 1,
      name: 'endless',
      nodes: [
        { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 1000 } },
        { id: 'out', kind: 'sink.file', params: { path: 'out' } },
      ],
      edges: [{ from: 'gen', to: 'out' }],
    };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const child = spawn(process.execPath, [BIN, 'run', 'spec.json'], { cwd: dir });
    let out = '';
    let signalled = false;
    child.stderr.on('data', (d) => {
      out += d;
      if (!signalled && /\[ +1s\]/.test(out)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(out).toMatch(/job stopped/);
    expect(code).toBe(0);
    expect((await readParts(join(dir, 'out'))).length).toBeGreaterThan(500);
  });
});
