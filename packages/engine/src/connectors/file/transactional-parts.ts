import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../../checkpoint/durable-fs.js';
import { faultPoint } from '../../checkpoint/fault.js';
import { pendingName } from './part-file-writer.js';

const HIDDEN_PART_RE = /^\.part-(\d+)-\d+\.ndjson\.(inprogress|pending)$/;
const PART_RE = /^part-(\d+)-\d+\.ndjson$/;

/** The subtask index a part file name (`part-<subtask>-<n>.ndjson`) was written by. */
export function partSubtask(part: string): number {
  return Number(PART_RE.exec(part)?.[1] ?? -1);
}

/** Makes sealed pending parts durable before their checkpoint is acknowledged. */
export async function syncPending(dir: string, parts: readonly string[]): Promise<void> {
  if (parts.length === 0) return;
  for (const part of parts) {
    const fh = await open(join(dir, pendingName(part)), 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  // The renames from in-progress to pending must survive a crash too.
  await fsyncDir(dir);
}

/**
 * Publishes pending parts: an atomic rename to the visible name, then a directory fsync.
 * Idempotent (a restore may publish again what a crashed run already published): a part whose
 * pending file is gone but whose final file exists is done. A part with neither is lost output:
 * that is an error, never skipped silently.
 */
export async function publishParts(dir: string, parts: readonly string[], fault = true): Promise<void> {
  if (parts.length === 0) return;
  for (const part of parts) {
    if (fault) faultPoint('sink.file.beforePublish');
    try {
      await rename(join(dir, pendingName(part)), join(dir, part));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const published = await stat(join(dir, part)).then(() => true, () => false);
      if (!published) throw new Error(`file sink: part ${part} of a completed checkpoint is missing from ${dir} (neither pending nor published)`);
    }
  }
  await fsyncDir(dir);
}

/**
 * Deletes hidden in-progress and pending parts that `owns` (by the subtask index in their name)
 * and that are not in `keep`: output written after the checkpoint being restored, which the
 * restored run writes again.
 */
export async function removeUncommitted(dir: string, owns: (subtask: number) => boolean, keep: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = HIDDEN_PART_RE.exec(name);
    if (m === null || !owns(Number(m[1])) || keep.has(name)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  if (removed.length > 0) await fsyncDir(dir);
  return removed;
}
