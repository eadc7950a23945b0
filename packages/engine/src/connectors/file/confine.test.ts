import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipeline, readParts, runToEnd, tempDir } from '../../../test/helpers.js';
import { staysInsideBaseDir } from './confine.js';

/** A base dir with an input file, and a folder outside it holding a sentinel file. */
async function layout() {
  const root = await tempDir();
  const base = join(root, 'base');
  const outside = join(root, 'outside');
  await mkdir(join(base, 'in'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(base, 'in', 'a.ndjson'), '{"n":1}\n');
  await writeFile(join(outside, 'secret.ndjson'), '{"secret":true}\n');
  return { base, outside };
}

describe('staysInsideBaseDir', () => {
  it('accepts paths inside, refuses .., absolute paths elsewhere, NUL and symlinks that leave', async () => {
    const { base, outside } = await layout();
    await symlink(outside, join(base, 'escape'));
    await symlink(join(base, 'in'), join(base, 'alias'));
    for (const ok of ['in/a.ndjson', 'in', 'new/folder/not/yet', join(base, 'in'), 'alias/a.ndjson', '.'])
      expect(await staysInsideBaseDir(base, ok), ok).toBe(true);
    for (const bad of ['../outside', 'in/../../outside/secret.ndjson', outside, '/etc/passwd', 'in/a\0.ndjson', 'escape', 'escape/secret.ndjson', 'escape/new/sub'])
      expect(await staysInsideBaseDir(base, bad), bad).toBe(false);
  });
});

describe('file paths re-checked when a source or sink opens (confineFiles)', { timeout: 60_000 }, () => {
  it('a source whose folder became a symlink to outside fails the job and reads nothing', async () => {
    const { base, outside } = await layout();
    // Valid when a server checked it at submit; then swapped on disk for a link leading outside.
    await symlink(outside, join(base, 'data'));
    const spec = pipeline([
      { id: 'src', kind: 'source.file', params: { path: 'data' } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ]);
    const { result } = await runToEnd(spec, { baseDir: base, confineFiles: true });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'path_outside_base_dir', domain: 'user', retryable: false, nodeId: 'src' });
    expect(result.error!.message).toContain('"data"');
    expect(await readParts(join(base, 'out')).catch(() => [])).toEqual([]);
  });

  it('a sink whose folder is a symlink to outside fails the job and writes nothing there', async () => {
    const { base, outside } = await layout();
    await symlink(outside, join(base, 'out'));
    const spec = pipeline([
      { id: 'src', kind: 'source.file', params: { path: 'in' } },
      { id: 'out', kind: 'sink.file', params: { path: 'out/sub' } },
    ]);
    for (const execution of ['in-process', 'threads'] as const) {
      const { result } = await runToEnd(spec, { baseDir: base, confineFiles: true, execution, slots: 1 });
      expect(result.status, execution).toBe('failed');
      expect(result.error).toMatchObject({ code: 'path_outside_base_dir', nodeId: 'out' });
      expect(await readdir(outside)).toEqual(['secret.ndjson']);
    }
  });

  it('is off by default (the CLI and embedders choose their own paths)', async () => {
    const { base, outside } = await layout();
    const spec = pipeline([
      { id: 'src', kind: 'source.file', params: { path: join(outside, 'secret.ndjson') } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ]);
    const { result } = await runToEnd(spec, { baseDir: base });
    expect(result.status).toBe('finished');
    expect(await readParts(join(base, 'out'))).toEqual(['{"secret":true}']);
  });
});
